/**
 * The write tools called in their intended order against a live server, for tests that need
 * a database holding a draft, a publish, or a swap at a given stage: generate -> publish, and
 * request -> consent -> approve -> execute.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ScheduleStore } from '../../../src/server/store/store';
import { findValidSwap } from '../generation/fixtures';

/** Calls a tool and returns its structured result; throws with the tool's message on isError. */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>, timeout = 60_000): Promise<T> {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout })) as CallToolResult;
  if (result.isError) throw new Error(`${name}: ${result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ')}`);
  return result.structuredContent as T;
}

export async function dataVersion(client: Client): Promise<number> {
  return (await callOk<{ data_version: number }>(client, 'get_schedule_status_tool', {})).data_version;
}

/** A greedy draft of the current schedule's first `days` days. */
export async function generateDraft(client: Client, seed = 1): Promise<string> {
  const status = await callOk<{ start_date: string; data_version: number }>(client, 'get_schedule_status_tool', {});
  const args = { actor: 'fuzz-setup', expected_data_version: status.data_version, algorithm: 'greedy', random_seed: seed, time_limit_seconds: 5 };
  return (await callOk<{ draft_id: string }>(client, 'generate_schedule_tool', args)).draft_id;
}

export async function publishDraft(client: Client, draftId: string): Promise<string> {
  const args = { actor: 'fuzz-setup', expected_data_version: await dataVersion(client), draft_id: draftId };
  return (await callOk<{ publish_id: string }>(client, 'publish_draft_tool', args)).publish_id;
}

export type SwapStage = 'pending' | 'approved' | 'executed';

/**
 * A valid absorb swap of the published schedule (found on `store`, a connection to the same
 * database), taken to `stage`; `skip` holds assignments already used by other swaps.
 */
export async function swapAt(client: Client, store: ScheduleStore, stage: SwapStage, skip: Set<string>): Promise<string> {
  const from = store.resolveSchedule({}).start;
  const pick = findValidSwap(store, 'absorb', from, skip);
  skip.add(pick.assignmentId);
  const requested = await callOk<{ swap: { swap_id: string } }>(client, 'request_swap_tool', {
    actor: pick.requesterId,
    expected_data_version: await dataVersion(client),
    requester_id: pick.requesterId,
    assignment_id: pick.assignmentId,
    swap_type: 'absorb',
    target_person_id: pick.targetPersonId,
    reason: 'fuzz setup',
  });
  const swapId = requested.swap.swap_id;
  if (stage === 'pending') return swapId;
  await callOk(client, 'record_swap_consent_tool', {
    actor: pick.targetPersonId,
    expected_data_version: await dataVersion(client),
    swap_id: swapId,
    person_id: pick.targetPersonId,
    consent: true,
  });
  await callOk(client, 'approve_swap_tool', { actor: 'coordinator', expected_data_version: await dataVersion(client), swap_id: swapId, approve: true, reason: 'fuzz setup' });
  if (stage === 'approved') return swapId;
  await callOk(client, 'execute_swap_tool', { actor: 'coordinator', expected_data_version: await dataVersion(client), swap_id: swapId });
  return swapId;
}
