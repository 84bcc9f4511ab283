/**
 * An endpoint knows how to open transports to one server. The connection tries the
 * endpoint's transport kinds in order and moves to the next only when the server refuses
 * the previous one (Streamable HTTP first, then the older HTTP+SSE transport).
 */
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { resolve } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from '../util/log';
import { describeServer, SECRET_HEADER, summarizeServer, type HttpServerConfig, type ServerConfig, type StdioServerConfig } from './config';
import { describeExit, StdioProcessTransport } from './stdioTransport';

export interface OpenedTransport {
  transport: Transport;
  /** Explains why the transport died when it knows more than the SDK (exit code, stderr). */
  failureDetail?(): string | undefined;
}

export interface EndpointContext {
  apiKey: string | undefined;
  logger: Logger;
}

export interface ServerEndpoint {
  /** For logs and the server identity; never contains secrets. */
  readonly description: string;
  /** A short one for what people see, without local paths (summarizeServer); `description` when absent. */
  readonly summary?: string;
  /** Transport kinds in the order they are tried, e.g. ['streamable-http', 'sse']. */
  readonly kinds: readonly string[];
  open(kind: string, context: EndpointContext): OpenedTransport;
  /** Values to redact from logs and errors besides the API key (secret-looking headers). */
  secrets(): readonly string[];
}

export interface EndpointOptions {
  /** Grace period for a stdio server to exit after stdin closes (then SIGTERM, then SIGKILL). */
  closeGraceMs?: number;
}

export function endpointFor(config: ServerConfig, options: EndpointOptions = {}): ServerEndpoint {
  return config.kind === 'stdio' ? stdioEndpoint(config, options) : httpEndpoint(config);
}

function stdioEndpoint(config: StdioServerConfig, options: EndpointOptions): ServerEndpoint {
  return {
    // The working folder makes relative paths in the arguments (a --db file) absolute:
    // the same command line in two folders is two servers with different data.
    description: `${describeServer(config)} (in ${resolve(config.cwd ?? process.cwd())})`,
    summary: summarizeServer(config),
    kinds: ['stdio'],
    secrets: () => [],
    open(_kind, { logger }) {
      const transport = new StdioProcessTransport({
        command: config.command,
        args: config.args,
        ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
        env: config.env,
        ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}),
        // A server's stderr is its log, not an error report.
        onStderrLine: (line) => logger.log('info', `[server stderr] ${line}`),
      });
      return {
        transport,
        failureDetail: () => {
          const exit = transport.exit();
          return exit ? describeExit(exit) : undefined;
        },
      };
    },
  };
}

function httpEndpoint(config: HttpServerConfig): ServerEndpoint {
  const { url, basicAuth, secrets: urlSecrets } = withoutCredentials(config.url);
  return {
    description: describeServer(config),
    summary: summarizeServer(config),
    kinds: config.sseFallback ? ['streamable-http', 'sse'] : ['streamable-http'],
    secrets: () => [...urlSecrets, ...Object.entries(config.headers).flatMap(([name, value]) => (SECRET_HEADER.test(name) ? [value] : []))],
    open(kind, { apiKey }) {
      const headers: Record<string, string> = { ...(basicAuth ? { Authorization: basicAuth } : {}), ...config.headers };
      if (apiKey) headers['Authorization'] = `Bearer ${apiKey}`;
      const requestInit: RequestInit = { headers };
      if (kind === 'sse') return { transport: new SSEClientTransport(url, { requestInit }) };
      return { transport: new StreamableHTTPClientTransport(url, { requestInit }) };
    },
  };
}

/**
 * Credentials in a URL (`http://user:password@host/mcp`) move into an Authorization:
 * Basic header: fetch refuses such URLs, and its error would print them. Every form
 * they can appear in (as typed, percent-decoded, base64) is a secret to redact.
 */
function withoutCredentials(raw: string): { url: URL; basicAuth?: string; secrets: string[] } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url, secrets: [] };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const token = Buffer.from(`${user}:${password}`).toString('base64');
  const secrets = [`${url.username}:${url.password}@`, `${user}:${password}`, url.password, password, token].filter((s) => s.length > 0);
  url.username = '';
  url.password = '';
  return { url, basicAuth: `Basic ${token}`, secrets };
}
