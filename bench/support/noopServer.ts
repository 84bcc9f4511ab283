/**
 * A no-op MCP server over stdio for bench/mcpLayer.ts: one read-only tool that answers at
 * once, so a call's time is the client side and the transport, not the server's work.
 * The benchmark bundles this file with esbuild and starts it with node.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bench-noop', version: '1.0.0' });

server.registerTool(
  'noop',
  {
    description: 'Answers at once with its argument.',
    inputSchema: { i: z.number().int() },
    annotations: { readOnlyHint: true },
  },
  ({ i }) => ({ content: [{ type: 'text', text: JSON.stringify({ ok: true, i }) }], structuredContent: { ok: true, i } }),
);

server.connect(new StdioServerTransport()).catch((error: unknown) => {
  process.stderr.write(`bench-noop: ${String(error)}\n`);
  process.exit(1);
});
