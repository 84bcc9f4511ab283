/**
 * Stateless Streamable HTTP, as the real server serves it: MCP at `/mcp` (and `/`), a
 * JSON `GET /health` without authentication, a fresh MCP server per request (no session
 * ids). Binds loopback by default and refuses any other address unless an API key is
 * set; with a key every request but /health needs `Authorization: Bearer <key>` (the raw
 * key is accepted too, like the real server) and gets a 401 JSON answer otherwise.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../core/util/log';

export interface HttpOptions {
  host: string;
  port: number;
  /** When set, requests need it as a bearer token. */
  apiKey?: string;
  logger: Logger;
  /** One MCP server per request (stateless mode). */
  createMcpServer: () => McpServer;
  service: string;
  version: string;
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  if (!isLoopback(options.host) && !options.apiKey) {
    throw new Error(`refusing to listen on ${options.host} without an API key: set one with --api-key-env VAR, or bind 127.0.0.1`);
  }
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const server = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.log('error', 'HTTP request failed', { error: String(error) });
      if (!res.headersSent) json(res, 500, { error: 'Internal Server Error', message: 'the request failed' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    options.logger.log('debug', 'HTTP request', { method: req.method, path });
    if (path === '/health') {
      if (req.method !== 'GET') return json(res, 405, { error: 'Method Not Allowed' });
      return json(res, 200, {
        status: 'healthy',
        service: options.service,
        version: options.version,
        timestamp: new Date().toISOString(),
        checks: { mcp_server: true, api_key_configured: Boolean(options.apiKey) },
      });
    }
    if (path !== '/mcp' && path !== '/') return json(res, 404, { error: 'Not Found', message: `no route ${path}: MCP is served at /mcp` });
    if (options.apiKey && !authorized(req.headers.authorization, options.apiKey)) {
      return json(res, 401, { error: 'Unauthorized', message: 'Invalid or missing API key' });
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to delete (DELETE).
      res.setHeader('Allow', 'POST');
      return json(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless, use POST' }, id: null });
    }
    const body = await readBody(req, limit);
    if (body === 'too_large') return json(res, 413, { jsonrpc: '2.0', error: { code: -32600, message: `request body over ${limit} bytes` }, id: null });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return json(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not JSON' }, id: null });
    }
    const mcp = options.createMcpServer();
    // No sessionIdGenerator: a stateless transport, one per request.
    const transport = new StreamableHTTPServerTransport({});
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, parsed);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}/mcp`;
  options.logger.log('info', 'serving MCP over Streamable HTTP (stateless)', { url, auth: options.apiKey ? 'bearer' : 'none (loopback only)' });
  return { url, port, close: () => closeServer(server) };
}

function authorized(header: string | undefined, key: string): boolean {
  if (!header) return false;
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : header.trim();
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
