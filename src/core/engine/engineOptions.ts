/**
 * What an Engine is built from. Apart from engine.ts so the run's internals can read it
 * without importing the Engine that starts them.
 */
import type { PolicyRuntime } from '../policy/runtime';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { ApprovalPort } from './approval';
import type { RunHistory } from './history';
import type { WhenBusy } from './lock';

export interface EngineOptions {
  /** The resilient caller of one tool server (breakers, cache, retries, health). */
  policy: PolicyRuntime;
  approvals: ApprovalPort;
  clock?: Clock;
  /** Where run files go; without it runs are not recorded and cannot be resumed. */
  history?: RunHistory;
  logger?: Logger;
  /** What a second writing run on the same schedule does: wait (default) or be refused. */
  whenBusy?: WhenBusy;
  /** Run ids; default `<workflow>-<UTC time>-<random>`. */
  newRunId?: (workflowId: string) => string;
}
