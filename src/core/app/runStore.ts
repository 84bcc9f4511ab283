/**
 * The runs every host shows: live runs folded from the engine's events as they happen, and
 * runs of earlier processes loaded from the run history. Hosts read snapshots and listen to
 * changes that name what changed (a run, a phase or a step) so a tree refreshes one node.
 * A subscriber that attaches late to a run is replayed the run's events first.
 */
import type { EngineEvent, RunEvent } from '../engine/events';
import type { RunHistory } from '../engine/history';
import type { WorkflowDefinition } from '../engine/definition';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import { emptySnapshot, foldEvent, plannedPhases, snapshotFromHistory, type RunSnapshot, type SnapshotChange } from './runSnapshot';

export interface StoredRun {
  snapshot: RunSnapshot;
  /** True while this process runs it; false for runs loaded from history. */
  live: boolean;
  /** Started (or resumed) by this process, as opposed to listed from the history of an earlier one. */
  startedHere: boolean;
  /** Recorded in another (earlier) process and left unfinished there: it can be resumed, not watched. */
  interrupted: boolean;
}

export type StoreChange = SnapshotChange & { kind: 'added' | 'changed' | 'removed' };

type Listener<T> = (value: T) => void;

export class RunStore {
  private readonly runs = new Map<string, StoredRun>();
  private readonly listeners = new Set<Listener<StoreChange>>();
  private readonly runListeners = new Map<string, Set<Listener<RunEvent>>>();

  constructor(
    /** The definition of a workflow by id, to show its planned phases before they start. */
    private readonly definitionOf: (workflowId: string) => Pick<WorkflowDefinition, 'phases'> | undefined,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Feeds one engine event (the application layer subscribes this to the engine). */
  apply(event: EngineEvent): void {
    if (!('runId' in event)) return;
    let stored = this.runs.get(event.runId);
    let kind: StoreChange['kind'] = 'changed';
    if (event.type === 'run_started') {
      if (!stored || !stored.live) {
        const previous = stored?.snapshot;
        const snapshot = previous && event.resumed ? previous : emptySnapshot(event, plannedPhases(this.definitionOf(event.workflowId) ?? { phases: [] }));
        stored = { snapshot, live: true, startedHere: true, interrupted: false };
        kind = this.runs.has(event.runId) ? 'changed' : 'added';
        this.runs.set(event.runId, stored);
      }
    }
    if (!stored) return;
    const change = foldEvent(stored.snapshot, event);
    if (event.type === 'run_finished') stored.live = false;
    this.emit({ ...change, kind });
    for (const listener of [...(this.runListeners.get(event.runId) ?? [])]) this.call(listener, event);
  }

  /** Lists the runs of earlier processes (newest first) without replacing live ones. */
  async loadHistory(history: RunHistory, limit = 50): Promise<void> {
    const listed = (await history.list()).slice(0, limit);
    for (const entry of listed) {
      if (this.runs.has(entry.runId)) continue;
      try {
        const events = await history.read(entry.runId);
        const snapshot = snapshotFromHistory(events, this.definitionOf(entry.workflowId));
        const interrupted = snapshot.state === 'running' || snapshot.state === 'waiting' || snapshot.state === 'queued';
        this.runs.set(entry.runId, { snapshot, live: false, startedHere: false, interrupted });
        this.emit({ runId: entry.runId, kind: 'added' });
      } catch (error) {
        this.logger.log('warn', `Run ${entry.runId}: its history could not be read`, { error: String(error) });
      }
    }
  }

  /** Forgets a finished run (the history file stays). */
  remove(runId: string): void {
    const stored = this.runs.get(runId);
    if (!stored || stored.live) return;
    this.runs.delete(runId);
    this.emit({ runId, kind: 'removed' });
  }

  get(runId: string): StoredRun | undefined {
    return this.runs.get(runId);
  }

  snapshot(runId: string): RunSnapshot | undefined {
    return this.runs.get(runId)?.snapshot;
  }

  /** Newest first. */
  list(): StoredRun[] {
    return [...this.runs.values()].sort((a, b) => b.snapshot.startedAt - a.snapshot.startedAt);
  }

  onDidChange(listener: Listener<StoreChange>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One run's events: first every event folded so far (a late subscriber sees what an early
   * one saw), then the live ones. Progress ticks are live only.
   */
  subscribe(runId: string, listener: Listener<RunEvent>): () => void {
    for (const event of this.runs.get(runId)?.snapshot.events ?? []) this.call(listener, event);
    let set = this.runListeners.get(runId);
    if (!set) this.runListeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.runListeners.delete(runId);
    };
  }

  private emit(change: StoreChange): void {
    for (const listener of [...this.listeners]) this.call(listener, change);
  }

  private call<T>(listener: Listener<T>, value: T): void {
    try {
      listener(value);
    } catch (error) {
      this.logger.log('warn', 'A run store listener failed', { error: String(error) });
    }
  }
}
