/**
 * A real MCP server (the SDK's McpServer over stdio) whose tools misbehave on purpose,
 * for the fault-injection suite:
 *   node --import tsx test/support/faults/faultServer.ts --dir DIR
 * Every call and cancellation is appended to DIR/observed.jsonl; `flaky` answers isError
 * while DIR/flaky-mode holds "fail"; `write_ledger` appends its id to DIR/ledger (and
 * with `crash` exits before answering, as a server killed mid-write does).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface FaultObservation {
  pid: number;
  event: 'call' | 'cancelled' | 'finished';
  tool: string;
}

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const dir = values.dir!;
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

function observe(event: FaultObservation['event'], tool: string): void {
  appendFileSync(join(dir, 'observed.jsonl'), `${JSON.stringify({ pid: process.pid, event, tool })}\n`);
}

function structured(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

function watchCancel(signal: AbortSignal, tool: string): void {
  signal.addEventListener('abort', () => observe('cancelled', tool), { once: true });
}

const server = new McpServer({ name: 'sched-fault-server', version: '0.0.1' });

server.registerTool('hang', { description: 'Never answers', inputSchema: {}, annotations: READ_ONLY }, (_args, extra) => {
  observe('call', 'hang');
  watchCancel(extra.signal, 'hang');
  return new Promise<CallToolResult>(() => undefined);
});

server.registerTool(
  'slow_progress',
  { description: 'Progress every interval_ms for steps steps, then answers', inputSchema: { steps: z.number().int(), interval_ms: z.number().int() }, annotations: READ_ONLY },
  async (args, extra) => {
    observe('call', 'slow_progress');
    watchCancel(extra.signal, 'slow_progress');
    const token = extra._meta?.progressToken;
    for (let step = 1; step <= args.steps; step++) {
      await new Promise((resolve) => setTimeout(resolve, args.interval_ms));
      if (extra.signal.aborted) return { isError: true, content: [{ type: 'text', text: 'CANCELLED: cancelled' }] };
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: args.steps } });
    }
    observe('finished', 'slow_progress');
    return structured({ steps_done: args.steps });
  },
);

// The workflows' schema for validate_schedule wants a boolean and an issue list.
server.registerTool('validate_schedule', { description: 'Malformed on purpose', inputSchema: {}, annotations: READ_ONLY }, () => {
  observe('call', 'validate_schedule');
  return structured({ is_valid: 'maybe', issues: 'none' });
});

server.registerTool('not_json', { description: 'Text that is not JSON', inputSchema: {}, annotations: READ_ONLY }, () => {
  observe('call', 'not_json');
  return { content: [{ type: 'text', text: '{"truncated": [1, 2' }] };
});

server.registerTool('oversized', { description: 'A result of the given size', inputSchema: { megabytes: z.number().positive() }, annotations: READ_ONLY }, (args) => {
  observe('call', 'oversized');
  return { content: [{ type: 'text', text: JSON.stringify({ blob: 'x'.repeat(Math.round(args.megabytes * 1024 * 1024)) }) }] };
});

server.registerTool('flaky', { description: 'isError while flaky-mode says fail', inputSchema: {}, annotations: READ_ONLY }, () => {
  observe('call', 'flaky');
  const mode = existsSync(join(dir, 'flaky-mode')) ? readFileSync(join(dir, 'flaky-mode'), 'utf8').trim() : 'ok';
  if (mode === 'fail') return { isError: true, content: [{ type: 'text', text: 'backend unavailable: connection pool exhausted' }] };
  if (mode === 'caller') return { isError: true, content: [{ type: 'text', text: 'NOT_FOUND: unknown schedule id "x"' }] };
  return structured({ ok: true });
});

server.registerTool(
  'write_ledger',
  { description: 'Appends id to the ledger (writes)', inputSchema: { id: z.string(), crash: z.boolean().optional() }, annotations: WRITES },
  (args) => {
    observe('call', 'write_ledger');
    appendFileSync(join(dir, 'ledger'), `${args.id}\n`);
    if (args.crash) process.exit(9);
    return structured({ written: args.id });
  },
);

void server.connect(new StdioServerTransport());
