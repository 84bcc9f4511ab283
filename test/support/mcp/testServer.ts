/**
 * A small but real MCP server (the SDK's McpServer) used as the peer of the connection
 * layer's tests: in-process over InMemoryTransport, as a child process over stdio
 * (childServer.ts) and over HTTP (httpServer.ts). It registers its tools either under short
 * names or with the real scheduling server's `_tool` suffix, and reports what it observed
 * (calls and cancellations) so tests can assert on the server side.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export type Naming = 'suffixed' | 'plain';

export interface Observation {
  pid: number;
  event: 'call' | 'cancelled';
  tool: string;
  /** For 'cancelled': the reason the client gave in notifications/cancelled. */
  reason?: string;
}

export interface TestServerOptions {
  naming: Naming;
  observe?: (observation: Observation) => void;
  /** How the server "crashes" mid-call (a child process exits; in-process servers close). */
  crash?: () => void;
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

function structured(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

export function createTestServer(options: TestServerOptions): McpServer {
  const server = new McpServer({ name: 'sched-test-server', version: '1.2.3' }, { capabilities: { tools: { listChanged: true } } });
  const named = (short: string) => (options.naming === 'suffixed' ? `${short}_tool` : short);
  const observe = (event: Observation['event'], tool: string, reason?: string) => options.observe?.({ pid: process.pid, event, tool, ...(reason !== undefined ? { reason } : {}) });
  const crash = options.crash ?? (() => void server.close());

  const validate = named('validate_schedule');
  server.registerTool(validate, { description: 'ACGME check of a date range', inputSchema: { start_date: z.string(), end_date: z.string() }, annotations: READ_ONLY }, (args) => {
    observe('call', validate);
    return structured({
      is_valid: false,
      overall_compliance_rate: 0.75,
      issues: [{ severity: 'critical', rule_type: '80_hour', message: 'r1 averages 84 h/week', person_id: 'r1', details: {} }],
      date_range: [args.start_date, args.end_date],
      validated_at: '2026-01-05T08:00:00Z',
    });
  });

  // Answers with JSON in text content only, as older servers do.
  const conflicts = named('detect_conflicts');
  server.registerTool(conflicts, { description: 'Conflicts in a range', inputSchema: {}, annotations: READ_ONLY }, () => {
    observe('call', conflicts);
    return { content: [{ type: 'text', text: JSON.stringify({ total_conflicts: 1, conflicts: [{ severity: 'warning', conflict_type: 'leave_overlap' }] }) }] };
  });

  // Malformed on purpose: the second issue's severity is not one the workflows know.
  const byId = named('validate_schedule_by_id');
  server.registerTool(byId, { description: 'Validate a stored schedule', inputSchema: { schedule_id: z.string() }, annotations: READ_ONLY }, () => {
    observe('call', byId);
    return structured({
      is_valid: true,
      issues: [
        { severity: 'info', message: 'ok' },
        { severity: 'urgent', message: 'bad' },
      ],
    });
  });

  const utilization = named('check_utilization_threshold');
  server.registerTool(
    utilization,
    { description: 'Utilization vs 80%', inputSchema: { available_faculty: z.number(), required_blocks: z.number() }, annotations: READ_ONLY },
    (args) => {
      observe('call', utilization);
      if (args.available_faculty <= 0) return { isError: true, content: [{ type: 'text', text: 'INVALID_INPUT: available_faculty must be positive' }] };
      return structured({ level: 'yellow', utilization_rate: args.required_blocks / (args.available_faculty * 2) });
    },
  );

  server.registerTool(
    'slow_operation',
    {
      description: 'Sends a progress notification every interval_ms for steps steps, then answers.',
      inputSchema: { steps: z.number().int().positive(), interval_ms: z.number().int().positive() },
      annotations: READ_ONLY,
    },
    async (args, extra) => {
      observe('call', 'slow_operation');
      extra.signal.addEventListener('abort', () => observe('cancelled', 'slow_operation', String(extra.signal.reason)), { once: true });
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= args.steps; step++) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, args.interval_ms);
          extra.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (extra.signal.aborted) return { isError: true, content: [{ type: 'text', text: 'cancelled' }] };
        if (token !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: step, total: args.steps, message: `step ${step}` },
          });
        }
      }
      return structured({ steps_done: args.steps });
    },
  );

  const publish = named('publish_draft');
  server.registerTool(publish, { description: 'Publishes a draft (writes)', inputSchema: { draft_id: z.string(), crash: z.boolean().optional() }, annotations: WRITES }, (args) => {
    observe('call', publish);
    if (args.crash) crash();
    return structured({ published: args.draft_id });
  });

  // Crashes the first time it runs with a marker file, so a re-sent read succeeds.
  const status = named('get_schedule_status');
  server.registerTool(status, { description: 'Schedule status', inputSchema: { crash_marker: z.string().optional() }, annotations: READ_ONLY }, (args) => {
    observe('call', status);
    if (args.crash_marker && !existsSync(args.crash_marker)) {
      writeFileSync(args.crash_marker, String(process.pid));
      crash();
    }
    return structured({ published_schedule_id: 'sched-1', drafts: [] });
  });

  // Which environment variables the server process received (names only).
  server.registerTool('env_names', { description: 'Environment variable names', inputSchema: {}, annotations: READ_ONLY }, () =>
    structured({ names: Object.keys(process.env).sort() }),
  );

  return server;
}
