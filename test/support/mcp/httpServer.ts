/**
 * The test server over HTTP, started inside a test on a free port:
 * - 'stateless': Streamable HTTP without sessions, like the real scheduling server at /mcp;
 * - 'stateful': Streamable HTTP with sessions; forgetSessions() makes it answer 404 to an
 *   old session id, as a restarted server does;
 * - 'sse-only': refuses Streamable HTTP (405 to POST /mcp) and speaks the older HTTP+SSE
 *   transport (GET /mcp opens the stream, POST /messages carries requests).
 * With `apiKey` every request needs `Authorization: Bearer <key>` or gets the real server's 401.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createTestServer, type Naming } from './testServer';

export type HttpMode = 'stateless' | 'stateful' | 'sse-only';

export interface HttpTestServerOptions {
  mode: HttpMode;
  apiKey?: string;
  naming?: Naming;
  /** Answer every request with a 500 whose body echoes the Authorization header (a leaky proxy). */
  echoAuthIn500?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  /** The JSON-RPC method of a POST body, when it had one. */
  rpcMethod?: string;
}

export interface HttpTestServer {
  url: string;
  requests: SeenRequest[];
  forgetSessions(): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startHttpTestServer(options: HttpTestServerOptions): Promise<HttpTestServer> {
  const naming = options.naming ?? 'suffixed';
  const requests: SeenRequest[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const sseSessions = new Map<string, SSEServerTransport>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const rpcMethod = (body as { method?: unknown } | undefined)?.method;
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      ...(typeof rpcMethod === 'string' ? { rpcMethod } : {}),
    });
    if (options.echoAuthIn500) return sendJson(res, 500, { error: `upstream rejected ${req.headers.authorization ?? ''}` });
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, { error: 'Unauthorized', message: 'Invalid or missing API key' });
    }

    if (options.mode === 'sse-only') {
      if (url.pathname === '/mcp' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sseSessions.set(transport.sessionId, transport);
        res.on('close', () => sseSessions.delete(transport.sessionId));
        await createTestServer({ naming }).connect(transport);
        return;
      }
      if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sseSessions.get(url.searchParams.get('sessionId') ?? '');
        if (!transport) return sendJson(res, 404, { error: 'unknown session' });
        return transport.handlePostMessage(req, res, body);
      }
      return sendJson(res, 405, { error: 'method not allowed' });
    }

    if (url.pathname !== '/mcp') return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });

    if (options.mode === 'stateless') {
      const server = createTestServer({ naming });
      // No sessionIdGenerator: a stateless transport, one per request.
      const transport = new StreamableHTTPServerTransport({});
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
    }

    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) return sendJson(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      return transport.handleRequest(req, res, body);
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    await createTestServer({ naming }).connect(transport);
    return transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    forgetSessions: () => sessions.clear(),
    close: async () => {
      for (const t of [...sessions.values(), ...sseSessions.values()]) await t.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
