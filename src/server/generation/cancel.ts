/**
 * Ending generation runs: the runs of this process can be aborted (their controllers are
 * registered here while they work); a run whose owner is gone (see store/locks.ts) has its
 * lock removed. Either way the cancellation is an audited write by a named actor.
 */
import { ToolError } from '../domain/errors';
import { goneReason, STALE_HEARTBEAT_MS, type LockHolder } from '../store/locks';
import type { ScheduleStore } from '../store/store';
import { generationLockName, GENERATION_LOCK_PREFIX } from './lockNames';

const live = new Map<string, AbortController>();

/** Registers a run of this process; returns its signal and the function that unregisters it. */
export function registerRun(runId: string, outer?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  live.set(runId, controller);
  return { signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal, done: () => live.delete(runId) };
}

export interface CancelInput {
  actor: string;
  scheduleId?: string;
  runId?: string;
  reason?: string;
  /** Remove the lock even when its owner looks alive in another process (it may be hung without missing a heartbeat). */
  force: boolean;
}

export interface CancelOutput {
  runId: string;
  scheduleId: string;
  /** `aborted`: the run was running in this server and was told to stop; `released`: its lock was removed. */
  action: 'aborted' | 'released';
  why: string;
  dataVersion: number;
  auditId: number;
}

function findHolder(store: ScheduleStore, input: CancelInput): LockHolder {
  if (input.scheduleId === undefined && input.runId === undefined) throw new ToolError('give schedule_id or run_id');
  const holders = store.locks(GENERATION_LOCK_PREFIX);
  const found = holders.find((h) => (input.scheduleId === undefined || h.name === generationLockName(input.scheduleId)) && (input.runId === undefined || h.owner === input.runId));
  if (!found)
    throw new ToolError(
      `no generation run holds ${input.scheduleId !== undefined ? `schedule "${input.scheduleId}"` : ''}${input.scheduleId !== undefined && input.runId !== undefined ? ' as ' : ''}${input.runId !== undefined ? `run ${input.runId}` : ''}`,
      'NOT_FOUND',
    );
  return found;
}

export function cancelGeneration(store: ScheduleStore, now: () => number, input: CancelInput): CancelOutput {
  const target = findHolder(store, input);
  const scheduleId = target.name.slice(GENERATION_LOCK_PREFIX.length);
  const controller = live.get(target.owner);
  let action: CancelOutput['action'] = 'released';
  let why = '';
  const written = store.breakLock(input.actor, 'cancel_generation', target.name, (holder) => {
    if (!holder || holder.owner !== target.owner) throw new ToolError(`run ${target.owner} no longer holds schedule "${scheduleId}"`, 'CONFLICT');
    const gone = goneReason(holder, now());
    if (controller) {
      action = 'aborted';
      why = 'running in this server: told to stop';
    } else if (gone) {
      why = `its owner is gone: ${gone}`;
    } else if (input.force) {
      why = `forced: owner process ${holder.pid ?? '?'} on ${holder.host ?? '?'} still looked alive (heartbeat ${holder.heartbeatAt ?? 'never'})`;
    } else {
      throw new ToolError(
        `run ${holder.owner} is alive in process ${holder.pid ?? '?'} on ${holder.host ?? '?'} (heartbeat ${holder.heartbeatAt ?? 'never'}, stale after ${STALE_HEARTBEAT_MS / 1000} s): ` +
          'cancel it from the client that started it, or pass force: true if it is stuck',
        'LOCKED',
      );
    }
    return {
      run_id: holder.owner,
      schedule_id: scheduleId,
      action,
      why,
      ...(input.reason ? { reason: input.reason } : {}),
      owner: { pid: holder.pid ?? null, host: holder.host ?? null, heartbeat_at: holder.heartbeatAt ?? null },
    };
  });
  controller?.abort(new Error(`cancelled by ${input.actor}`));
  return { runId: target.owner, scheduleId, action, why, dataVersion: written.versionAfter, auditId: written.auditId };
}
