/**
 * Generation, drafts and publishing against the store. A generation run holds a lock on
 * its schedule (a row in `locks` with the run id and an expiry, so a second request in
 * this or another process is refused), solves, and writes a draft: a schedule of status
 * "draft" whose parent is the published schedule, holding the complete range. Publishing
 * copies the draft's range into the published schedule after a backup of what it
 * replaces; that backup is the publish record a rollback within 24 hours restores.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/util/log';
import type { Assignment } from '../domain/program';
import { requiredSlots, snapshotFrom, type ScheduleSnapshot } from '../domain/snapshot';
import { HOUR_MS, addDays, daysBetween, isIsoDate } from '../domain/time';
import type { ScheduleStore } from '../store/store';
import type { StoredSchedule } from '../store/types';
import { ToolError } from '../domain/errors';
import { contextRange, snapshotInContext } from './contextSnapshot';
import { InfeasibleError, generateSchedule, type Algorithm, type BlockReport } from './generate';
import { SolveCancelledError } from './mip';
import { diffAssignments, scheduleMetrics, type ScheduleMetrics } from './metrics';
import type { ObjectiveWeights } from './model';
import { ownedAssignment } from './problem';
import { registerRun } from './cancel';
import { generationLockName } from './lockNames';
import { HEARTBEAT_MS } from '../store/locks';

export const ROLLBACK_WINDOW_HOURS = 24;
const MAX_GENERATION_DAYS = 366;
const BLOCK_DAYS = 28;

export interface ServiceDeps {
  store: ScheduleStore;
  now: () => number;
  logger: Logger;
  /**
   * Awaited by a generation run once it holds its lock, before it solves: a test holds a
   * run there to observe its lock, whatever the generator's speed. Rejecting stops the run.
   */
  holdGeneration?: (signal: AbortSignal) => Promise<void>;
}

export interface GenerateInput {
  actor: string;
  expectedDataVersion: number;
  scheduleId?: string;
  start?: string;
  end?: string;
  /** Academic block (1-13, four weeks each from the academic year start) instead of dates. */
  academicBlock?: number;
  algorithm: Algorithm;
  timeLimitMs: number;
  seed: number;
  weights: ObjectiveWeights;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export interface GenerateOutput {
  runId: string;
  draftId: string;
  scheduleId: string;
  dataVersion: number;
  range: { start: string; end: string };
  status: 'optimal' | 'feasible';
  algorithmUsed: Algorithm;
  fellBackToGreedy: boolean;
  solverStatus: string;
  gap?: number;
  timeMs: number;
  metrics: ScheduleMetrics;
  blocks: BlockReport[];
}

export { generationLockName } from './lockNames';

/** Dates of an academic block: four weeks each from the academic year start; block 13 runs to the year's end. */
export function academicBlockRange(yearStart: string, block: number): { start: string; end: string } {
  if (!Number.isInteger(block) || block < 1 || block > 13) throw new ToolError(`academic_block must be 1-13, got ${block}`);
  const start = addDays(yearStart, (block - 1) * BLOCK_DAYS);
  const nextYear = `${String(Number(yearStart.slice(0, 4)) + 1).padStart(4, '0')}${yearStart.slice(4)}`;
  const end = block === 13 ? addDays(isIsoDate(nextYear) ? nextYear : addDays(yearStart, 365), -1) : addDays(start, BLOCK_DAYS - 1);
  return { start, end };
}

function resolveTarget(
  store: ScheduleStore,
  input: Pick<GenerateInput, 'scheduleId' | 'start' | 'end' | 'academicBlock'>,
): { schedule: StoredSchedule; range: { start: string; end: string } } {
  let range: { start: string; end: string } | undefined;
  if (input.academicBlock !== undefined) {
    if (input.start !== undefined || input.end !== undefined) throw new ToolError('give either academic_block or start_date/end_date, not both');
    const base = input.scheduleId !== undefined ? store.getSchedule(input.scheduleId) : undefined;
    const yearStart = store.reference().program.academicYearStart ?? base?.start;
    if (!yearStart) throw new ToolError('the program has no academicYearStart; give start_date and end_date instead');
    range = academicBlockRange(yearStart, input.academicBlock);
  } else if (input.start !== undefined || input.end !== undefined) {
    if (input.start === undefined || input.end === undefined) throw new ToolError('give both start_date and end_date');
    range = { start: input.start, end: input.end };
  }
  const schedule = store.resolveSchedule({ ...(input.scheduleId !== undefined ? { scheduleId: input.scheduleId } : {}), ...(range ?? {}) });
  if (schedule.status !== 'published') throw new ToolError(`schedule "${schedule.id}" is a draft; generate from the published schedule`, 'INVALID_STATUS');
  range ??= { start: schedule.start, end: schedule.end };
  if (range.end < range.start) throw new ToolError(`end_date ${range.end} is before start_date ${range.start}`);
  if (daysBetween(range.start, range.end) + 1 > MAX_GENERATION_DAYS) throw new ToolError(`the range ${range.start}..${range.end} is longer than ${MAX_GENERATION_DAYS} days`);
  if (range.start < schedule.start || range.end > schedule.end) {
    throw new ToolError(`${range.start}..${range.end} is not inside schedule "${schedule.id}" (${schedule.start}..${schedule.end})`);
  }
  return { schedule, range };
}

/** The schedule as it stands or would stand: reference data plus the given assignments. */
export function snapshotWith(
  store: ScheduleStore,
  schedule: StoredSchedule,
  assignments: readonly Assignment[],
  range: { start: string; end: string },
  dataVersion: number,
): ScheduleSnapshot {
  return snapshotFrom(store.reference(), schedule, assignments, range, dataVersion);
}

export async function runGeneration(deps: ServiceDeps, input: GenerateInput): Promise<GenerateOutput> {
  const { store } = deps;
  const { schedule, range } = resolveTarget(store, input);
  const version = store.dataVersion();
  if (version !== input.expectedDataVersion) {
    throw new ToolError(`the data changed since it was read (data version is ${version}, expected ${input.expectedDataVersion}); read it again and retry`, 'CONFLICT');
  }
  const runId = `run-${randomUUID().slice(0, 8)}`;
  const lock = generationLockName(schedule.id);
  if (!store.acquireLock(lock, runId, input.timeLimitMs + 5 * 60_000, `generate ${range.start}..${range.end}`)) {
    const holder = store.lockHolder(lock);
    throw new ToolError(
      `schedule "${schedule.id}" is locked by run ${holder?.owner ?? 'unknown'}${holder?.purpose ? ` (${holder.purpose})` : ''} until ${holder?.expiresAt ?? 'it finishes'}; wait for it or cancel it`,
      'LOCKED',
    );
  }
  // While it works the run renews its heartbeat, so a crash or kill frees the lock (store/locks.ts),
  // and it can be told to stop from this process (cancel_generation_tool).
  const run = registerRun(runId, input.signal);
  const heartbeat = setInterval(() => {
    try {
      if (!store.heartbeatLock(lock, runId)) deps.logger.log('warn', 'generation run lost its lock', { runId, lock });
    } catch (error) {
      deps.logger.log('warn', 'generation heartbeat failed', { runId, error: String(error) });
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const held = await deps.holdGeneration?.(run.signal).then(
      () => 'released',
      () => 'stopped',
    );
    if (held === 'stopped' || run.signal.aborted) throw new ToolError(`generation run ${runId} was cancelled; no draft was written`, 'CANCELLED');
    const context = contextRange(range);
    const current = store.assignments(schedule.id, context);
    const snapshot = snapshotWith(store, schedule, current, context, version);
    // Compute budgets run on real elapsed time, whatever clock "today" comes from.
    const elapsed = () => performance.now();
    const began = elapsed();
    deps.logger.log('info', 'schedule generation started', { runId, schedule: schedule.id, range, algorithm: input.algorithm });
    const result = await generateSchedule({
      snapshot,
      range,
      algorithm: input.algorithm,
      timeLimitMs: input.timeLimitMs,
      seed: input.seed,
      weights: input.weights,
      signal: run.signal,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      now: elapsed,
    }).catch((error: unknown) => {
      if (error instanceof SolveCancelledError) throw new ToolError(`generation run ${runId} was cancelled; no draft was written`, 'CANCELLED');
      // Proven impossible, or only not found in time (more time or the other algorithm may help).
      if (error instanceof InfeasibleError) throw new ToolError(error.message, error.proven ? 'INFEASIBLE' : 'NO_SCHEDULE_FOUND');
      throw error;
    });

    // The draft holds the whole range: generated shifts plus the published ones the
    // generator does not own (moonlighting, backups, shifts outside coverage).
    const slotKeys = new Set(requiredSlots(snapshot.coverage, snapshot.shiftTypes, range).map((s) => s.key));
    const baseline = current.filter((a) => a.date >= range.start && a.date <= range.end);
    const shiftOf = new Map(snapshot.shifts.map((s) => [s.assignmentId, s]));
    const kept = baseline.filter((a) => !ownedAssignment(shiftOf.get(a.id)!, snapshot.peopleById.get(a.personId), slotKeys, range));
    const generated: Assignment[] = result.assignments.map((a) => ({
      id: a.keepId ?? `a-${randomUUID().slice(0, 12)}`,
      personId: a.personId,
      serviceId: a.serviceId,
      shiftTypeId: a.shiftTypeId,
      date: a.date,
      role: a.role,
    }));
    const draftAssignments = [...kept, ...generated];
    // Judged exactly as validate_schedule_by_id_tool reads the stored draft (contextSnapshot.ts).
    const metrics = scheduleMetrics(snapshotInContext(store, schedule, range, draftAssignments, version), range, baseline, draftAssignments);
    const solverStatuses = [...new Set(result.blocks.map((b) => b.solverStatus))];
    const algorithmUsed: Algorithm = result.blocks.every((b) => b.producedBy === 'optimal') ? 'optimal' : 'greedy';
    // A run cancelled meanwhile (here, or its lock released by cancel_generation_tool) writes nothing.
    if (run.signal.aborted || !store.heartbeatLock(lock, runId)) throw new ToolError(`generation run ${runId} was cancelled; no draft was written`, 'CANCELLED');
    const written = store.write(input.actor, 'generate_schedule', input.expectedDataVersion, (tx) => {
      const draft = tx.createSchedule({
        name: `Draft of ${schedule.name} ${range.start}..${range.end} (${input.algorithm}, ${runId})`,
        start: range.start,
        end: range.end,
        status: 'draft',
        parentId: schedule.id,
        note: `generated by ${runId}: ${metrics.hard_violations} hard violations, coverage ${(metrics.coverage.rate * 100).toFixed(1)}%, ${metrics.changes.total} changes`,
      });
      tx.insertAssignments(draft.id, draftAssignments);
      tx.audit(
        {
          run_id: runId,
          schedule_id: schedule.id,
          range,
          algorithm: input.algorithm,
          algorithm_used: algorithmUsed,
          seed: input.seed,
          time_limit_ms: input.timeLimitMs,
          solver_status: solverStatuses.join(','),
          gap: result.gap ?? null,
          time_ms: Math.round(elapsed() - began),
          assignments: draftAssignments.length,
          hard_violations: metrics.hard_violations,
          coverage_rate: metrics.coverage.rate,
          changes: metrics.changes,
        },
        draft.id,
      );
      return draft.id;
    });
    deps.logger.log('info', 'schedule generation finished', { runId, draft: written.result, ms: Math.round(elapsed() - began) });
    return {
      runId,
      draftId: written.result,
      scheduleId: schedule.id,
      dataVersion: written.versionAfter,
      range,
      status: result.status,
      algorithmUsed,
      fellBackToGreedy: result.fellBackToGreedy,
      solverStatus: solverStatuses.join(','),
      ...(result.gap !== undefined ? { gap: result.gap } : {}),
      timeMs: Math.round(elapsed() - began),
      metrics,
      blocks: result.blocks,
    };
  } finally {
    clearInterval(heartbeat);
    run.done();
    store.releaseLock(lock, runId);
  }
}

// ---------------------------------------------------------------- drafts

interface PublishRecord {
  kind: 'publish';
  draftId: string;
  scheduleId: string;
  range: { start: string; end: string };
  /** The published assignments the publish replaced. */
  assignments: Assignment[];
  versionAfter: number;
  rollbackDeadline: string;
}

interface RollbackRecord {
  kind: 'rollback_publish';
  publishId: string;
  scheduleId: string;
  range: { start: string; end: string };
  assignments: Assignment[];
}

type Backup = PublishRecord | RollbackRecord;

function requireDraft(schedule: StoredSchedule | undefined, id: string): StoredSchedule & { parentId: string } {
  if (!schedule) throw new ToolError(`unknown draft id "${id}"`, 'NOT_FOUND');
  if (schedule.status !== 'draft' || schedule.parentId === undefined) throw new ToolError(`"${id}" is a published schedule, not a draft`, 'INVALID_STATUS');
  return schedule as StoredSchedule & { parentId: string };
}

export interface PersonChange {
  person_id: string;
  name: string;
  added: { date: string; service_id: string; shift_type_id: string; role: string }[];
  removed: { date: string; service_id: string; shift_type_id: string; role: string }[];
  hours_before: number;
  hours_after: number;
}

export interface DraftPreview {
  draftId: string;
  scheduleId: string;
  range: { start: string; end: string };
  dataVersion: number;
  /** The published schedule changed after the draft was made: publishing it is refused. */
  stale: boolean;
  publishedAs?: { publishId: string; rolledBack: boolean };
  people: PersonChange[];
  metrics: ScheduleMetrics;
}

export function draftPreview(deps: ServiceDeps, draftId: string, maxPeople: number): DraftPreview {
  const { store } = deps;
  const draft = requireDraft(store.getSchedule(draftId), draftId);
  const parent = store.getSchedule(draft.parentId);
  if (!parent) throw new ToolError(`the published schedule "${draft.parentId}" of draft "${draftId}" no longer exists`, 'NOT_FOUND');
  const range = { start: draft.start, end: draft.end };
  const version = store.dataVersion();
  const before = store.assignments(parent.id, range);
  const after = store.assignments(draft.id);
  const context = contextRange(range);
  const beforeSnap = snapshotWith(store, parent, store.assignments(parent.id, context), context, version);
  const afterSnap = snapshotInContext(store, parent, range, after, version);
  const hoursIn = (snap: ScheduleSnapshot, id: string) =>
    (snap.byPerson.get(id) ?? []).filter((s) => s.date >= range.start && s.date <= range.end).reduce((n, s) => n + s.countedHours, 0);
  const { added, removed } = diffAssignments(before, after);
  const touched = new Set([...added, ...removed].map((a) => a.personId));
  const brief = (a: Assignment) => ({ date: a.date, service_id: a.serviceId, shift_type_id: a.shiftTypeId, role: a.role });
  const people = [...touched]
    .map((id) => ({
      person_id: id,
      name: beforeSnap.peopleById.get(id)?.name ?? id,
      added: added.filter((a) => a.personId === id).map(brief),
      removed: removed.filter((a) => a.personId === id).map(brief),
      hours_before: hoursIn(beforeSnap, id),
      hours_after: hoursIn(afterSnap, id),
    }))
    .sort((a, b) => b.added.length + b.removed.length - (a.added.length + a.removed.length) || a.person_id.localeCompare(b.person_id))
    .slice(0, maxPeople);
  const published = store.backups.latestPublishOf(draftId);
  return {
    draftId,
    scheduleId: parent.id,
    range,
    dataVersion: version,
    stale: parent.updatedVersion > draft.updatedVersion,
    ...(published ? { publishedAs: { publishId: published.id, rolledBack: store.backups.isRolledBack(published.id) } } : {}),
    people,
    metrics: scheduleMetrics(afterSnap, range, before, after),
  };
}

export interface PublishOutput {
  publishId: string;
  draftId: string;
  scheduleId: string;
  dataVersion: number;
  range: { start: string; end: string };
  rollbackDeadline: string;
  changes: { added: number; removed: number };
}

export function publishDraft(deps: ServiceDeps, actor: string, draftId: string, expectedVersion: number): PublishOutput {
  const written = deps.store.write(actor, 'publish_draft', expectedVersion, (tx) => {
    const draft = requireDraft(tx.schedule(draftId), draftId);
    const parent = tx.schedule(draft.parentId);
    if (!parent) throw new ToolError(`the published schedule "${draft.parentId}" of draft "${draftId}" no longer exists`, 'NOT_FOUND');
    const earlier = tx.backups.latestPublishOf(draftId);
    if (earlier && !tx.backups.isRolledBack(earlier.id)) {
      throw new ToolError(`draft "${draftId}" is already published (publish ${earlier.id})`, 'INVALID_STATUS');
    }
    if (parent.updatedVersion > draft.updatedVersion) {
      throw new ToolError(
        `draft "${draftId}" is stale: schedule "${parent.id}" changed at data version ${parent.updatedVersion}, after the draft was made at ${draft.updatedVersion}; generate a new draft`,
        'CONFLICT',
      );
    }
    const range = { start: draft.start, end: draft.end };
    const before = tx.assignments(parent.id, range);
    const after = tx.assignments(draft.id);
    const rollbackDeadline = new Date(deps.now() + ROLLBACK_WINDOW_HOURS * HOUR_MS).toISOString();
    const publishId = tx.backups.insert(parent.id, `before publishing draft ${draftId}`, {
      kind: 'publish',
      draftId,
      scheduleId: parent.id,
      range,
      assignments: before,
      versionAfter: tx.versionAfter,
      rollbackDeadline,
    } satisfies Backup);
    tx.replaceAssignments(parent.id, range, after);
    const { added, removed } = diffAssignments(before, after);
    tx.audit(
      { draft_id: draftId, publish_id: publishId, backup_id: publishId, range, added: added.length, removed: removed.length, rollback_deadline: rollbackDeadline },
      parent.id,
    );
    const affected = [...new Set([...added, ...removed].map((a) => a.personId))].sort();
    tx.notifications.insert({
      event: 'schedule_published',
      recipients: ['coordinators', ...affected],
      subject: `Schedule ${parent.id} updated for ${range.start}..${range.end}`,
      message: `Draft ${draftId} was published by ${actor}: ${added.length} assignment(s) added, ${removed.length} removed, ${affected.length} person(s) affected; it can be rolled back until ${rollbackDeadline}.`,
      target: parent.id,
      details: { publish_id: publishId, draft_id: draftId, range, added: added.length, removed: removed.length, people_affected: affected },
    });
    return { publishId, draftId, scheduleId: parent.id, range, rollbackDeadline, changes: { added: added.length, removed: removed.length } };
  });
  return { ...written.result, dataVersion: written.versionAfter };
}

export interface RollbackPublishOutput {
  publishId: string;
  backupId: string;
  scheduleId: string;
  dataVersion: number;
  range: { start: string; end: string };
  restored: number;
}

export function rollbackPublish(deps: ServiceDeps, actor: string, publishId: string, expectedVersion: number): RollbackPublishOutput {
  const written = deps.store.write(actor, 'rollback_publish', expectedVersion, (tx) => {
    const record = tx.backups.publish(publishId) as PublishRecord | undefined;
    if (!record) throw new ToolError(`unknown publish id "${publishId}"`, 'NOT_FOUND');
    if (tx.backups.isRolledBack(publishId)) throw new ToolError(`publish ${publishId} was already rolled back`, 'INVALID_STATUS');
    if (deps.now() > Date.parse(record.rollbackDeadline)) {
      throw new ToolError(
        `publish ${publishId} can no longer be rolled back: the ${ROLLBACK_WINDOW_HOURS}-hour window ended at ${record.rollbackDeadline}`,
        'ROLLBACK_WINDOW_EXPIRED',
      );
    }
    const parent = tx.schedule(record.scheduleId);
    if (!parent) throw new ToolError(`schedule "${record.scheduleId}" no longer exists`, 'NOT_FOUND');
    if (parent.updatedVersion > record.versionAfter) {
      throw new ToolError(
        `schedule "${parent.id}" changed after publish ${publishId} (data version ${parent.updatedVersion} > ${record.versionAfter}); roll back the later changes first`,
        'CONFLICT',
      );
    }
    const current = tx.assignments(parent.id, record.range);
    const backupId = tx.backups.insert(parent.id, `before rolling back publish ${publishId}`, {
      kind: 'rollback_publish',
      publishId,
      scheduleId: parent.id,
      range: record.range,
      assignments: current,
    } satisfies Backup);
    tx.replaceAssignments(parent.id, record.range, record.assignments);
    tx.audit({ publish_id: publishId, backup_id: backupId, draft_id: record.draftId, range: record.range, restored: record.assignments.length }, parent.id);
    return { publishId, backupId, scheduleId: parent.id, range: record.range, restored: record.assignments.length };
  });
  return { ...written.result, dataVersion: written.versionAfter };
}
