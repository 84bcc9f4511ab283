/**
 * A real MCP server (the SDK's McpServer over stdio) that stands in front of the bundled
 * scheduling server (dist/server.js, or `server` in the scenario) and degrades it the way real deployments degrade:
 * tools missing (the real server without its analytics "armory"), a tool that never answers
 * (a timeout), a tool that always fails (opens a circuit breaker), silent placeholder
 * results, fewer swap candidates. Everything else is passed through unchanged.
 *
 *   node --import tsx test/support/workflows/proxyServer.ts <scenario.json>
 *   (tests bundle it once with esbuild and run the bundle: see cli.ts)
 *
 * The scenario file (see ProxyScenario) is read at start. When `log` is set, every call,
 * cancellation and failure is appended to that file, so a test can check what the
 * orchestrator did to the server (e.g. that Ctrl-C reached it as notifications/cancelled).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ElicitResultSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type ElicitRequest,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import { DEFAULT_ANSWERS, DEFAULTS_CONTRACT, REAL_CONTRACT } from './realContract';
import type { ProxyScenario } from './scenario';

function log(scenario: ProxyScenario, line: string): void {
  if (scenario.log) appendFileSync(scenario.log, `${line}\n`);
}

/** A form with one field of every kind the spec allows (string limits and format, numbers, boolean, titled enums, multi-select). */
export const ELICIT_FORM: ElicitRequest['params'] = {
  message: 'Before validating, tell the rota system who is on call tonight.',
  requestedSchema: {
    type: 'object',
    properties: {
      on_call: { type: 'string', title: 'On-call resident', minLength: 3, maxLength: 40 },
      contact: { type: 'string', title: 'Contact email', format: 'email' },
      pager_token: { type: 'string', title: 'Pager token' },
      max_hours: { type: 'integer', title: 'Weekly hour limit', minimum: 40, maximum: 80, default: 80 },
      notify: { type: 'boolean', title: 'Notify the program director' },
      site: {
        type: 'string',
        title: 'Site',
        oneOf: [
          { const: 'north', title: 'North campus' },
          { const: 'south', title: 'South campus' },
        ],
      },
      rotations: {
        type: 'array',
        title: 'Rotations covered',
        items: {
          anyOf: [
            { const: 'icu', title: 'Intensive care' },
            { const: 'ed', title: 'Emergency' },
            { const: 'wards', title: 'Wards' },
          ],
        },
      },
      comment: { type: 'string', title: 'Comment' },
    },
    required: ['on_call', 'contact', 'pager_token', 'max_hours', 'notify', 'site'],
  },
};

const ELICIT_URL: ElicitRequest['params'] = {
  mode: 'url',
  message: 'Sign in to the rota system to continue.',
  url: 'https://login.rota.example.org/authorize?session=s3cr3t-session-value',
  elicitationId: 'proxy-sign-in',
};

function placeholderOf(result: CallToolResult): CallToolResult {
  const data = { ...(result.structuredContent ?? {}), is_valid: true, compliance_rate: 1, total_issues: 0, issues: [], metadata: { source: 'placeholder' } };
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

function withViolations(result: CallToolResult, issues: Record<string, unknown>[]): CallToolResult {
  const data = { ...(result.structuredContent ?? {}) };
  data['issues'] = [...issues, ...(Array.isArray(data['issues']) ? (data['issues'] as unknown[]) : [])];
  data['is_valid'] = false;
  data['critical_count'] = issues.length;
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

function truncateCandidates(result: CallToolResult, max: number): CallToolResult {
  const data = { ...(result.structuredContent ?? {}) };
  const list = Array.isArray(data['candidates']) ? (data['candidates'] as unknown[]).slice(0, max) : [];
  data['candidates'] = list;
  data['top_candidate_id'] = (list[0] as { candidate_person_id?: string } | undefined)?.candidate_person_id ?? null;
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: proxyServer.ts <scenario.json>');
  const scenario = JSON.parse(readFileSync(file, 'utf8')) as ProxyScenario;
  const inner = new Client({ name: 'degrading-proxy', version: '1.0.0' });
  await inner.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [scenario.server ?? join(__dirname, '..', '..', '..', 'dist', 'server.js'), ...(scenario.serverArgs ?? [])],
      stderr: 'ignore',
    }),
  );
  const { tools } = await inner.listTools();
  const server = new McpServer({ name: 'degrading-proxy', version: '1.0.0' });
  const contract = scenario.contract === 'real' ? REAL_CONTRACT : scenario.contract === 'defaults' ? DEFAULTS_CONTRACT : {};
  const validator = new AjvJsonSchemaValidator();
  const listed: Tool[] = [];
  for (const tool of tools) {
    if (scenario.drop?.includes(tool.name)) continue;
    const declared = contract[tool.name];
    listed.push(declared ? { ...tool, inputSchema: declared as Tool['inputSchema'] } : tool);
    const check = declared ? validator.getValidator(declared) : undefined;
    server.registerTool(
      tool.name,
      { ...(tool.description ? { description: tool.description } : {}), inputSchema: z.looseObject({}), ...(tool.annotations ? { annotations: tool.annotations } : {}) },
      async (args: Record<string, unknown>, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> => {
        log(scenario, `call ${tool.name}`);
        log(scenario, `args ${tool.name} ${JSON.stringify(args)}`);
        const elicit = scenario.elicit?.[tool.name];
        if (elicit) {
          const answer = await extra.sendRequest({ method: 'elicitation/create', params: elicit === 'url' ? ELICIT_URL : ELICIT_FORM }, ElicitResultSchema);
          log(scenario, `elicited ${tool.name} ${JSON.stringify(answer)}`);
        }
        const verdict = check?.(args);
        if (verdict && !verdict.valid && scenario.contract === 'real') {
          log(scenario, `rejected ${tool.name}`);
          return { isError: true, content: [{ type: 'text', text: `Input validation error: ${verdict.errorMessage ?? 'invalid arguments'}` }] };
        }
        const missingFigure =
          Object.keys(DEFAULT_ANSWERS[tool.name] ?? {}).length > 0 && declared && Object.keys((declared['properties'] as object | undefined) ?? {}).some((k) => !(k in args));
        if (scenario.contract === 'defaults' && missingFigure) {
          const data = DEFAULT_ANSWERS[tool.name]!;
          return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
        }
        if (scenario.hang?.includes(tool.name)) {
          return new Promise<CallToolResult>((_, reject) => {
            extra.signal.addEventListener('abort', () => {
              log(scenario, `cancelled ${tool.name}`);
              reject(new Error('cancelled'));
            });
          });
        }
        const failure = scenario.fail?.[tool.name];
        if (failure) {
          log(scenario, `failed ${tool.name}`);
          return { isError: true, content: [{ type: 'text', text: failure }] };
        }
        const result = (await inner.callTool({ name: tool.name, arguments: args }, undefined, { signal: extra.signal, timeout: 300_000 })) as CallToolResult;
        if (scenario.dieAfter?.includes(tool.name)) {
          log(scenario, `died after ${tool.name}`);
          process.exit(137);
        }
        if (result.isError) return result;
        if (scenario.placeholder?.includes(tool.name)) return placeholderOf(result);
        if (tool.name === 'analyze_swap_candidates_tool' && scenario.maxCandidates !== undefined) return truncateCandidates(result, scenario.maxCandidates);
        const isDraft = typeof args['schedule_id'] === 'string' && args['schedule_id'].startsWith('draft-');
        if (tool.name === 'validate_schedule_by_id_tool' && isDraft && scenario.draftViolations) return withViolations(result, scenario.draftViolations);
        return result;
      },
    );
  }
  // The tools as listed: the inner server's schemas (or the contract's), not the proxy's loose ones.
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  const transport = new StdioServerTransport();
  transport.onclose = () => void inner.close();
  await server.connect(transport);
  // The client closing stdin ends the proxy and the server behind it, as a stdio server should.
  process.stdin.on('end', () => void inner.close().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`proxy server failed: ${String(error)}\n`);
  process.exit(1);
});
