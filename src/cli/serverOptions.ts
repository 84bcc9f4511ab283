/**
 * The options every server-facing command shares: which server (a stdio command, an HTTP
 * URL, or by default the bundled scheduling server), where the API key comes from, the
 * connect timeout and logging. Turns them into a connected McpConnection.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ElicitationBroker } from '../core/app/elicitation';
import { envApiKeySource, type ApiKeySource } from '../core/mcp/apiKey';
import { parseServerConfig, type ServerConfig } from '../core/mcp/config';
import { McpConnection } from '../core/mcp/connection';
import { OrchestratorError } from '../core/errors';
import { filteredLogger, type LogLevel } from '../core/util/log';
import { isLogLevel, stderrLogger, type CliIo } from './terminal';
import { parseMs, splitCommandLine, UsageError } from './usage';

export const SERVER_OPTIONS = {
  'server-command': { type: 'string' },
  'server-url': { type: 'string' },
  'api-key-env': { type: 'string' },
  db: { type: 'string' },
  create: { type: 'boolean' },
  'connect-timeout-ms': { type: 'string' },
  'log-level': { type: 'string' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SERVER_OPTIONS_HELP = `Server options:
  --server-command "<cmd>"   start this MCP server over stdio (a quoted command line)
  --server-url <url>         connect to this Streamable HTTP server (falls back to SSE)
  --api-key-env <VAR>        send the key in environment variable VAR as a bearer token (with --server-url)
  --db <file>                database file of the bundled server (default: in-memory sample program)
  --create                   with --db: create the file (seeded with the sample program) if it does not exist
                             Without --server-command or --server-url the bundled scheduling server is started.
  --connect-timeout-ms <n>   give up connecting after n ms (default 20000)
  --log-level <level>        trace | debug | info | warn | error (default error; trace shows JSON-RPC traffic)
  --verbose                  stack traces on errors, log level info
  --json                     machine-readable output on stdout`;

export interface ServerOptionValues {
  'server-command'?: string | undefined;
  'server-url'?: string | undefined;
  'api-key-env'?: string | undefined;
  db?: string | undefined;
  create?: boolean | undefined;
  'connect-timeout-ms'?: string | undefined;
  'log-level'?: string | undefined;
  verbose?: boolean | undefined;
}

/** The bundled server sits next to the CLI bundle (dist/server.js beside dist/cli.js). */
export function bundledServerPath(): string {
  return join(__dirname, 'server.js');
}

export function serverConfigFrom(values: ServerOptionValues, io: CliIo): { config: ServerConfig; apiKey?: ApiKeySource } {
  const command = values['server-command'];
  const url = values['server-url'];
  if (command !== undefined && url !== undefined) throw new UsageError('use either --server-command or --server-url, not both');
  if (values.db !== undefined && (command !== undefined || url !== undefined)) throw new UsageError('--db applies to the bundled server only');
  if (values.create && values.db === undefined) throw new UsageError('--create goes with --db <file>');
  if (values.db !== undefined) checkDbFile(values.db, values.create === true);
  const keyVar = values['api-key-env'];
  if (keyVar !== undefined && url === undefined) throw new UsageError('--api-key-env applies to --server-url only');

  if (url !== undefined) {
    const config = parseOrUsage({ kind: 'http', url });
    if (keyVar === undefined) return { config };
    if (!io.env[keyVar]?.trim()) throw new UsageError(`--api-key-env ${keyVar}: the environment variable is not set`);
    return { config, apiKey: envApiKeySource(keyVar, io.env) };
  }
  if (command !== undefined) {
    const [program, ...args] = splitCommandLine(command);
    if (!program) throw new UsageError('--server-command is empty');
    return { config: parseOrUsage({ kind: 'stdio', command: program, args }) };
  }
  const script = bundledServerPath();
  if (!existsSync(script)) {
    throw new OrchestratorError('connection', `the bundled server was not found at ${script}: build it (npm run build) or pass --server-command or --server-url`);
  }
  return { config: parseOrUsage({ kind: 'stdio', command: process.execPath, args: [script, ...(values.db !== undefined ? ['--db', values.db] : [])] }) };
}

/** A mistyped --db must not silently become a new database: a missing file needs --create. */
function checkDbFile(file: string, create: boolean): void {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--db ${file}: ${error instanceof Error ? error.message : String(error)}`);
    if (!create) throw new UsageError(`--db ${file} does not exist: check the path, or add --create to create a new database seeded with the sample program`);
    return;
  }
  if (!stat.isFile()) throw new UsageError(`--db ${file} is not a file`);
}

function parseOrUsage(input: unknown): ServerConfig {
  try {
    return parseServerConfig(input);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function logLevelFrom(values: ServerOptionValues): LogLevel {
  const level = values['log-level'];
  // The failure itself is printed as the command's error line, so by default only errors are logged.
  if (level === undefined) return values.verbose ? 'info' : 'error';
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be one of trace, debug, info, warn, error; got "${level}"`);
  return level;
}

/** Validates the server options and connects; the caller closes the connection. `elicitation` answers the server's requests for input. */
export async function connectFromOptions(values: ServerOptionValues, io: CliIo, elicitation?: ElicitationBroker): Promise<McpConnection> {
  // Every option is checked before anything is looked up or started.
  const level = logLevelFrom(values);
  const connectTimeoutMs = parseMs(values['connect-timeout-ms'], '--connect-timeout-ms', 20_000);
  const { config, apiKey } = serverConfigFrom(values, io);
  const connection = new McpConnection({
    server: config,
    logger: filteredLogger(stderrLogger(io), level),
    ...(apiKey ? { apiKey } : {}),
    connectTimeoutMs,
    // One command, one attempt: a script wants a quick, clear failure rather than retries.
    reconnect: false,
    // After Ctrl-C a server that ignores the cancellation is not waited for long.
    closeGraceMs: 1000,
    ...(elicitation ? { elicitation: (server, params, signal) => elicitation.handle(server, params, signal) } : {}),
  });
  try {
    await connection.connect(io.signal);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}
