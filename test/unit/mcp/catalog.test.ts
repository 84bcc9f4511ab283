import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Resolution } from '../../../src/core/engine/invoker';
import { CAPABILITIES, candidateToolNames, findCapability } from '../../../src/core/mcp/capabilities';
import { resolveCapability, safeToResend } from '../../../src/core/mcp/catalog';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { createTestServer, type Naming } from '../../support/mcp/testServer';

const readOnly = (name: string): Tool => ({ name, inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } });
const unannotated = (name: string): Tool => ({ name, inputSchema: { type: 'object' } });
const toolOf = (r: Resolution) => (r.status === 'available' ? r.tool : undefined);
const writesOf = (r: Resolution) => (r.status === 'available' ? r.writes : undefined);

/** Tools the real scheduling server registers (reference/real-server-tools.json, registered ones). */
const REAL_SERVER_TOOLS = [
  'validate_schedule_tool',
  'validate_schedule_by_id_tool',
  'detect_conflicts_tool',
  'run_contingency_analysis_tool',
  'run_contingency_analysis_resilience_tool',
  'analyze_swap_candidates_tool',
  'check_utilization_threshold_tool',
  'get_defense_level_tool',
  'execute_sacrifice_hierarchy_tool',
  'calculate_blast_radius_tool',
  'analyze_hub_centrality_tool',
  'get_static_fallbacks_tool',
  'check_circuit_breakers_tool',
  'get_breaker_health_tool',
  'test_half_open_tool',
  'override_circuit_breaker_tool',
  'get_unified_critical_index_tool',
  'calculate_burnout_rt_tool',
  'simulate_burnout_contagion_tool',
  'simulate_burnout_spread_tool',
  'assess_creep_fatigue_tool',
  'detect_burnout_precursors_tool',
  'predict_burnout_magnitude_tool',
  'run_spc_analysis_tool',
  'calculate_workload_process_capability_tool',
  'calculate_process_capability_tool',
  'calculate_equity_metrics_tool',
  'calculate_fire_danger_index_tool',
  'calculate_batch_fire_danger_tool',
  'run_frms_assessment_tool',
  'scan_team_fatigue_tool',
  'calculate_schedule_entropy_tool',
  'calculate_recovery_distance_tool',
  'check_mtf_compliance_tool',
  'start_background_task_tool',
  'get_task_status_tool',
  'create_backup_tool',
  'rag_search',
];

describe('capability resolution (pure)', () => {
  it('prefers a configured alias, then the exact name, then <name>_tool', () => {
    const tools = [readOnly('validate_schedule'), readOnly('validate_schedule_tool'), readOnly('acgme_check')];
    assert.equal(toolOf(resolveCapability('validate_schedule', tools)), 'validate_schedule');
    assert.deepEqual(resolveCapability('validate_schedule', tools, { aliases: { validate_schedule: 'acgme_check' } }), {
      status: 'available',
      capability: 'validate_schedule',
      tool: 'acgme_check',
      writes: false,
    });
    assert.deepEqual(resolveCapability('validate_schedule', [readOnly('validate_schedule_tool')]), {
      status: 'available',
      capability: 'validate_schedule',
      tool: 'validate_schedule_tool',
      writes: false,
    });
  });

  it('falls back to the built-in rules when a configured alias is missing on the server', () => {
    const r = resolveCapability('detect_conflicts', [readOnly('detect_conflicts_tool')], { aliases: { detect_conflicts: 'gone' } });
    assert.equal(toolOf(r), 'detect_conflicts_tool');
  });

  it('maps the documentation alias run_contingency_analysis_deep to the resilience tool', () => {
    const r = resolveCapability('run_contingency_analysis_deep', [readOnly('run_contingency_analysis_tool'), readOnly('run_contingency_analysis_resilience_tool')]);
    assert.equal(toolOf(r), 'run_contingency_analysis_resilience_tool');
    const simple = resolveCapability('run_contingency_analysis', [readOnly('run_contingency_analysis_tool'), readOnly('run_contingency_analysis_resilience_tool')]);
    assert.equal(toolOf(simple), 'run_contingency_analysis_tool');
  });

  it('reports a missing capability as unavailable with what was tried', () => {
    const r = resolveCapability('calculate_blast_radius', [readOnly('validate_schedule_tool')], { aliases: { calculate_blast_radius: 'blast' } });
    assert.equal(r.status, 'unavailable');
    assert.match(r.status === 'unavailable' ? r.reason : '', /tried blast \(configured alias\), calculate_blast_radius, calculate_blast_radius_tool/);
  });

  it('trusts the project about its known capabilities unless the server says the tool writes', () => {
    // The real scheduling server sends no annotations: a known read stays a read.
    assert.equal(writesOf(resolveCapability('get_assignments', [unannotated('get_assignments_tool')])), false);
    assert.equal(writesOf(resolveCapability('get_assignments', [readOnly('get_assignments_tool')])), false);
    const destructive: Tool = { ...unannotated('get_assignments_tool'), annotations: { destructiveHint: true } };
    assert.equal(writesOf(resolveCapability('get_assignments', [destructive])), true);
    const notReadOnly: Tool = { ...unannotated('get_assignments_tool'), annotations: { readOnlyHint: false } };
    assert.equal(writesOf(resolveCapability('get_assignments', [notReadOnly])), true);
  });

  it('re-sends only what is read-only both by the project and by the server', () => {
    assert.equal(safeToResend(readOnly('validate_schedule_tool'), false), true);
    assert.equal(safeToResend(unannotated('validate_schedule_tool'), false), false, 'no annotation: not certain enough to re-send');
    assert.equal(safeToResend(readOnly('publish_draft_tool'), true), false);
  });

  it('treats an unknown tool as writing unless annotated read-only, and the project list overrides annotations', () => {
    assert.equal(writesOf(resolveCapability('some_vendor_tool', [unannotated('some_vendor_tool')])), true);
    assert.equal(writesOf(resolveCapability('some_vendor_tool', [readOnly('some_vendor_tool')])), false);
    assert.equal(writesOf(resolveCapability('validate_swap', [readOnly('validate_swap_tool')], { writeTools: ['validate_swap_tool'] })), true);
    assert.equal(writesOf(resolveCapability('publish_draft', [readOnly('publish_draft_tool')])), true, 'a project-known writer stays a writer even if annotated read-only');
  });

  it('resolves every capability whose name or alias the real server registers', () => {
    const registered = REAL_SERVER_TOOLS.map(readOnly);
    const unresolved = CAPABILITIES.filter((c) => !c.writes && resolveCapability(c.name, registered).status === 'unavailable').map((c) => c.name);
    // Only the tools the real server never registers, and the bundled server's own ones, stay unresolved.
    assert.deepEqual(unresolved, [
      'quick_validate_schedule',
      'analyze_workload_trend',
      'analyze_supply_demand_cycles',
      'validate_swap',
      'preview_draft',
      'list_notifications',
      'get_schedule_status',
      'list_people',
      'get_assignments',
    ]);
  });

  it('finds a capability by its short name or by any name it is registered under', () => {
    assert.equal(findCapability('validate_schedule_tool')?.name, 'validate_schedule');
    assert.equal(findCapability('run_contingency_analysis_resilience_tool')?.name, 'run_contingency_analysis_deep');
    assert.equal(findCapability('get_draft_preview_tool')?.name, 'preview_draft');
    assert.equal(findCapability('echo'), undefined);
    assert.deepEqual(candidateToolNames({ name: 'preview_draft', aliases: ['get_draft_preview'] }), [
      'preview_draft',
      'preview_draft_tool',
      'get_draft_preview',
      'get_draft_preview_tool',
    ]);
  });
});

describe('capability resolution against live servers', () => {
  const connections: McpConnection[] = [];
  after(async () => Promise.all(connections.map((c) => c.close())));

  async function connectTo(naming: Naming) {
    const connection = new McpConnection({ server: new InMemoryEndpoint(() => createTestServer({ naming })), reconnect: false });
    connections.push(connection);
    await connection.connect();
    return new McpToolInvoker({ connection });
  }

  for (const naming of ['suffixed', 'plain'] as const) {
    it(`resolves short capability names on a server with ${naming} names`, async () => {
      const invoker = await connectTo(naming);
      const expected = naming === 'suffixed' ? 'validate_schedule_tool' : 'validate_schedule';
      assert.deepEqual(invoker.resolve('validate_schedule'), { status: 'available', capability: 'validate_schedule', tool: expected, writes: false });
      assert.equal(writesOf(invoker.resolve('publish_draft')), true);
      assert.equal(invoker.resolve('calculate_burnout_rt').status, 'unavailable');
      const result = await invoker.invoke(
        'validate_schedule',
        { start_date: '2026-01-05', end_date: '2026-02-01' },
        {
          signal: new AbortController().signal,
          timeoutMs: 5000,
          maxTotalTimeoutMs: 10_000,
        },
      );
      assert.equal(result.tool, expected);
      assert.equal(result.data['is_valid'], false);
    });
  }

  it('refreshes the catalog when the server announces list_changed', async () => {
    const endpoint = new InMemoryEndpoint(() => createTestServer({ naming: 'suffixed' }));
    const connection = new McpConnection({ server: endpoint, reconnect: false });
    connections.push(connection);
    const invoker = new McpToolInvoker({ connection });
    await connection.connect();
    assert.equal(invoker.resolve('calculate_burnout_rt').status, 'unavailable');
    const changed = new Promise<void>((resolve) => connection.on('tools', ({ tools }) => tools.some((t) => t.name === 'calculate_burnout_rt_tool') && resolve()));
    endpoint.servers[0]?.registerTool('calculate_burnout_rt_tool', { inputSchema: {}, annotations: { readOnlyHint: true } }, () => ({
      content: [{ type: 'text', text: '{"rt":0.8,"status":"controlled"}' }],
    }));
    await changed;
    assert.deepEqual(invoker.resolve('calculate_burnout_rt'), { status: 'available', capability: 'calculate_burnout_rt', tool: 'calculate_burnout_rt_tool', writes: false });
  });

  it('reads every page of tools/list', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `tool_${i}`);
    const paged = () => {
      const server = new Server({ name: 'paged', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, (request) => {
        const start = Number(request.params?.cursor ?? 0);
        const page = names.slice(start, start + 3).map((name) => ({ name, inputSchema: { type: 'object' as const } }));
        return start + 3 < names.length ? { tools: page, nextCursor: String(start + 3) } : { tools: page };
      });
      return server;
    };
    const endpoint = new InMemoryEndpoint(paged);
    const connection = new McpConnection({ server: endpoint, reconnect: false });
    connections.push(connection);
    await connection.connect();
    assert.deepEqual(
      connection.tools.map((t) => t.name),
      names,
    );
    assert.equal(endpoint.receivedMethods().filter((m) => m === 'tools/list').length, 3);
  });
});
