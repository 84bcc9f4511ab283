/**
 * Entry point of the bundled scheduling server (dist/server.js).
 *
 *   node dist/server.js [--db FILE] [--program FILE] [--log-level LEVEL]        MCP over stdio
 *   node dist/server.js --http [--host 127.0.0.1] [--port 8080] [--api-key-env VAR] …
 *   node dist/server.js generate-program --residents-per-pgy N --faculty N --weeks N --seed S --out FILE
 *   node dist/server.js import-program FILE --db FILE
 *   node dist/server.js export-program --db FILE --out FILE
 *
 * Without --db the database is in memory and seeded with the bundled sample program.
 * Logs go to stderr only: in stdio mode stdout carries the protocol.
 */
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { LOG_LEVELS, filteredLogger, type LogLevel, type Logger } from '../core/util/log';
import { createServer, SERVER_NAME, SERVER_VERSION } from './createServer';
import { startHttpServer } from './http';
import { exportProgramFile, formatProgramJson } from './program/export';
import { generateProgram } from './program/generate';
import { formatIssues, loadProgramFile, ProgramValidationError } from './program/load';
import { sampleProgram } from './program/sample';
import { Notifier, parseWebhookUrl } from './notifications/notifier';
import { ScheduleStore } from './store/store';
import { tasksFor } from './tasks/registry';

const USAGE = `Usage:
  server.js [--db FILE] [--program FILE] [--log-level trace|debug|info|warn|error]
            [--http [--host 127.0.0.1] [--port 8080] [--api-key-env VAR]]
            [--webhook-url URL] [--consent-ttl-hours N]
  server.js generate-program --residents-per-pgy N --faculty N --weeks N --seed S --out FILE
            [--start YYYY-MM-DD] [--absences N] [--clean]
  server.js import-program FILE --db FILE
  server.js export-program --db FILE --out FILE

Serves the residency-scheduling MCP server over stdio (default) or stateless Streamable
HTTP at /mcp. Without --db the database is in memory, seeded with the bundled sample.
--program FILE imports (replaces) the program at start. The HTTP mode binds loopback only
unless an API key is given in the environment variable named by --api-key-env.
Notices of publishes and executed swaps go to connected clients (logging and
resources/updated) and, with --webhook-url, as a JSON POST. A swap party's consent holds
--consent-ttl-hours (default 24).`;

class UsageError extends Error {}

function stderrLogger(min: LogLevel): Logger {
  return filteredLogger(
    {
      log(level, message, fields) {
        process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
      },
    },
    min,
  );
}

function intOption(values: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const raw = values[name];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer (got ${String(raw)})`);
  return Number(raw);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const rest = command === 'serve' ? argv : argv.slice(1);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      program: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      http: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'api-key-env': { type: 'string' },
      'webhook-url': { type: 'string' },
      'consent-ttl-hours': { type: 'string' },
      'residents-per-pgy': { type: 'string' },
      faculty: { type: 'string' },
      weeks: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      absences: { type: 'string' },
      clean: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const level = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const logger = stderrLogger(level);

  switch (command) {
    case 'generate-program': {
      if (!values.out) throw new UsageError('--out FILE is required');
      const program = generateProgram({
        residentsPerPgy: intOption(values, 'residents-per-pgy', true)!,
        faculty: intOption(values, 'faculty', true)!,
        weeks: intOption(values, 'weeks', true)!,
        seed: intOption(values, 'seed', false) ?? 1,
        ...(values.start !== undefined ? { start: values.start } : {}),
        ...(values.absences !== undefined ? { absences: intOption(values, 'absences', false)! } : {}),
        findings: values.clean ? 'none' : 'few',
      });
      writeFileSync(values.out, formatProgramJson(program));
      const assignments = program.schedules.reduce((n, s) => n + s.assignments.length, 0);
      logger.log('info', 'program written', { file: values.out, people: program.people.length, assignments });
      return 0;
    }
    case 'import-program': {
      const file = positionals[0] ?? values.program;
      if (!file || !values.db) throw new UsageError('import-program needs a program FILE and --db FILE');
      const program = loadProgramFile(file);
      const store = ScheduleStore.open({ path: values.db, logger });
      try {
        const result = store.importProgram('cli', program);
        logger.log('info', 'program imported', { db: values.db, dataVersion: result.versionAfter, ...result.result });
      } finally {
        store.close();
      }
      return 0;
    }
    case 'export-program': {
      if (!values.db || !values.out) throw new UsageError('export-program needs --db FILE and --out FILE');
      // Opening a missing file would create an empty database and export nothing as if it were a program.
      if (!isFile(values.db)) throw new UsageError(`export-program: the database ${values.db} does not exist`);
      const store = ScheduleStore.open({ path: values.db, logger });
      if (store.isEmpty()) {
        store.close();
        throw new UsageError(`export-program: the database ${values.db} holds no program`);
      }
      try {
        exportProgramFile(store, values.out);
      } finally {
        store.close();
      }
      logger.log('info', 'program exported', { file: values.out });
      return 0;
    }
    case 'serve':
      return serve(values, logger);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function serve(
  values: { db?: string; program?: string; http?: boolean; host?: string; port?: string; 'api-key-env'?: string; 'webhook-url'?: string; 'consent-ttl-hours'?: string },
  logger: Logger,
): Promise<number> {
  // Every option is checked before the program is read or the database touched.
  const port = Number(values.port);
  if (values.http && (!/^\d+$/.test(values.port ?? '') || port > 65535)) throw new UsageError(`--port must be 0-65535 (got ${values.port})`);
  const ttlHours = intOption(values, 'consent-ttl-hours', false);
  if (ttlHours !== undefined && ttlHours < 1) throw new UsageError(`--consent-ttl-hours must be at least 1 (got ${ttlHours})`);
  if (values['webhook-url']) {
    try {
      parseWebhookUrl(values['webhook-url']);
    } catch (error) {
      throw new UsageError(`--webhook-url: ${(error as Error).message}`);
    }
  }
  let apiKey: string | undefined;
  if (values.http && values['api-key-env']) {
    apiKey = process.env[values['api-key-env']];
    if (!apiKey) throw new UsageError(`environment variable ${values['api-key-env']} (--api-key-env) is empty or not set`);
  }
  const program = values.program ? loadProgramFile(values.program) : undefined;
  const created = values.db !== undefined && !isFile(values.db);
  const store = ScheduleStore.open({ ...(values.db ? { path: values.db } : {}), logger, ...(program ? {} : { seed: sampleProgram }) });
  if (program) store.importProgram('startup', program);
  if (created) logger.log('warn', `the database file did not exist: created it with ${program ? 'the --program file' : 'the bundled sample program'}`, { db: values.db });
  logger.log('info', 'database ready', { db: store.location, dataVersion: store.dataVersion() });
  const notifier = new Notifier({ store, logger, ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}) });
  const serverOptions = { store, logger, notifier, ...(ttlHours !== undefined ? { consentTtlMs: ttlHours * 3_600_000 } : {}) };

  let closeTransport: () => Promise<void>;
  if (values.http) {
    const http = await startHttpServer({
      host: values.host ?? '127.0.0.1',
      port,
      ...(apiKey ? { apiKey } : {}),
      logger,
      createMcpServer: () => createServer(serverOptions),
      service: SERVER_NAME,
      version: SERVER_VERSION,
    });
    closeTransport = http.close;
  } else {
    const server = createServer(serverOptions);
    const transport = new StdioServerTransport();
    await server.connect(transport);
    logger.log('info', 'serving MCP over stdio', { tools: 'ready' });
    closeTransport = () => server.close();
    // The client that started a task may be gone (killed): its tasks finish and keep their
    // results in the database for the next client, so the process waits for them first.
    process.stdin.on('end', () => void shutdown('stdin closed', 0, true));
    // Notifications written after the client left fail with EPIPE: that must not crash the tasks.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    // The transport closes itself on input it cannot read (e.g. a message over its 10 MiB
    // buffer): say why on stderr and exit with an error instead of ending silently.
    let transportError: Error | undefined;
    server.server.onerror = (error) => {
      transportError = error;
      logger.log('error', 'MCP transport error', { error: error.message });
    };
    server.server.onclose = () => void shutdown(transportError ? `the transport closed after an error: ${transportError.message}` : 'the transport closed', transportError ? 1 : 0);
  }

  let closing = false;
  async function shutdown(reason: string, code = 0, finishTasks = false): Promise<void> {
    if (closing) return;
    closing = true;
    logger.log(code === 0 ? 'info' : 'error', 'shutting down', { reason });
    await closeTransport().catch(() => undefined);
    const tasks = tasksFor(store, logger);
    if (finishTasks && tasks.runningCount > 0) {
      logger.log('info', 'finishing running tasks before exiting', { tasks: tasks.runningCount });
      await tasks.whenIdle();
    }
    // Deliveries under way record their outcome before the database closes.
    await notifier.settled();
    notifier.dispose();
    tasks.close();
    store.close();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof ProgramValidationError) {
      process.stderr.write(`${error.message.split('\n')[0]}\n${formatIssues(error.issues)}\n`);
      process.exitCode = 1;
    } else if (error instanceof RangeError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
