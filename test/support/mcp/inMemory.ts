/**
 * Opens the test server in-process: every open() creates a fresh server and a linked
 * InMemoryTransport pair, the way a restarted server process would be fresh. What each
 * server receives is logged (TracingTransport into a MemoryLogger) for server-side asserts.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { OpenedTransport, ServerEndpoint } from '../../../src/core/mcp/endpoints';
import { TracingTransport } from '../../../src/core/mcp/tracingTransport';
import { MemoryLogger } from '../../../src/core/util/log';

/** McpServer, or the SDK's low-level Server for tests that need hand-written handlers. */
export interface ConnectableServer {
  connect(transport: Transport): Promise<void>;
}

export class InMemoryEndpoint<S extends ConnectableServer = McpServer> implements ServerEndpoint {
  readonly description = 'in-memory test server';
  readonly kinds = ['in-memory'];
  readonly servers: S[] = [];
  private readonly serverLog = new MemoryLogger();

  /** While false, opening fails the way it does when the server is down (connection refused). */
  available = true;

  constructor(private readonly create: () => S) {}

  open(): OpenedTransport {
    if (!this.available) return { transport: refusedTransport() };
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = this.create();
    this.servers.push(server);
    void server.connect(new TracingTransport(serverSide, this.serverLog, 'server'));
    return { transport: clientSide };
  }

  secrets(): readonly string[] {
    return [];
  }

  /** Every JSON-RPC message the servers received, oldest first. */
  received(): JSONRPCMessage[] {
    return this.serverLog.lines.filter((l) => l.message.startsWith('<-')).map((l) => l.fields?.['message'] as JSONRPCMessage);
  }

  /** The method names the servers received, e.g. to find notifications/cancelled. */
  receivedMethods(): string[] {
    return this.received().flatMap((m) => ('method' in m ? [m.method] : []));
  }
}

function refusedTransport(): Transport {
  return {
    start: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    send: () => Promise.reject(new Error('not connected')),
    close: () => Promise.resolve(),
  };
}
