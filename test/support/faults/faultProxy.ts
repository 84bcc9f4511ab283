/**
 * An HTTP proxy in front of an MCP server that breaks `tools/call` requests on demand:
 * answers 500, or resets the connection, for the next N calls; everything else passes
 * through untouched (streamed, so SSE responses work).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault = '500' | 'reset';

export interface FaultProxy {
  url: string;
  /** The next `times` tools/call requests get `fault`. */
  fail(fault: ProxyFault, times: number): void;
  /** tools/call requests passed on to the server. */
  forwardedCalls: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const pending: ProxyFault[] = [];
  const proxy: FaultProxy = {
    url: '',
    fail: (fault, times) => pending.push(...Array.from({ length: times }, () => fault)),
    forwardedCalls: 0,
    close: () => new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve()))),
  };
  const http = createServer((req, res) => {
    void body(req).then((payload) => {
      const isCall = req.method === 'POST' && /"method"\s*:\s*"tools\/call"/.test(payload.toString('utf8'));
      const fault = isCall ? pending.shift() : undefined;
      if (fault === 'reset') return req.socket.destroy();
      if (fault === '500') return res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      if (isCall) proxy.forwardedCalls++;
      const headers = { ...req.headers, host: target.host };
      const forward = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(payload);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}${target.pathname}`;
  return proxy;
}
