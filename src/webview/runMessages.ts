/**
 * The run panel's message protocol, shared by the extension host (src/extension/panel) and
 * the webview (src/webview/runPanel): plain data only, types only (no code of the core
 * reaches the webview bundle).
 */
import type { PanelPictures } from '../core/app/panelData';
import type { ApprovalView } from '../core/app/approvalView';
import type { PhaseSnapshot, RunSnapshot, StepSnapshot } from '../core/app/runSnapshot';
import type { RunEvent } from '../core/engine/events';
import type { Report } from '../core/report/report';

/** The run without its phases and events (sent whole on every change: it is small). */
export type RunHead = Omit<RunSnapshot, 'phases' | 'events'>;
export type PhaseHead = Omit<PhaseSnapshot, 'steps'>;

export interface PendingApprovalView {
  stepId: string;
  view: ApprovalView;
}

export interface PanelState {
  run: RunSnapshot;
  /** Running in this window (it can be cancelled). */
  live: boolean;
  /** Recorded by an earlier process and left unfinished: it can be resumed. */
  interrupted: boolean;
  server: string;
  /** The saved report, once the run has finished. */
  report: Report | null;
  pictures: PanelPictures;
  pending: PendingApprovalView[];
}

/** Host -> webview. */
export type PanelMessage =
  /** The whole state: when the page loads or reloads. */
  | { type: 'init'; state: PanelState }
  /** One store change: the run's head, and only the phase or step that changed, plus the new events. */
  | {
      type: 'update';
      head: RunHead;
      live: boolean;
      phase?: PhaseHead;
      step?: StepSnapshot;
      events: RunEvent[];
      pictures?: PanelPictures;
    }
  | { type: 'report'; report: Report; pictures: PanelPictures }
  | { type: 'approvals'; pending: PendingApprovalView[] }
  /** The run is not known to this window (its history was removed). */
  | { type: 'missing'; runId: string; reason: string };

/** Commands a panel button runs, with the run's id as the argument (registered by the extension). */
export const PANEL_COMMANDS = ['approveRun', 'rejectRun', 'cancelRun', 'rerun', 'rerunWithInputs', 'resumeRun', 'exportReport'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/** Webview -> host. */
export type PanelRequest =
  | { type: 'ready' }
  | { type: 'command'; command: PanelCommand }
  /** One of the report's next actions, by its index. */
  | { type: 'nextAction'; index: number }
  /** A link of a step's result (a `schedule://` resource), to open as a document. */
  | { type: 'openResource'; uri: string }
  /** The page has drawn the run (after `init`, when the run finishes and after `report`): what it shows, for the host's log, tests and benchmarks. */
  | ({ type: 'shown' } & PanelShown);

export interface PanelShown {
  runId: string;
  state: string;
  /** The run's state as the header words it. */
  status: string;
  steps: number;
  /** The drawn steps by the state their node shows (`succeeded`, `running`, …). */
  stepStates: Record<string, number>;
  events: number;
  findings: number;
  pictures: string[];
}

/** What the webview keeps with setState (restored after hide and reload; the host re-sends the run). */
export interface PanelUiState {
  runId: string;
  selectedStep: string | null;
  findingSort: { key: FindingSortKey; descending: boolean };
  findingFilter: { text: string; severity: string };
  eventFilter: EventFilter;
}

export type FindingSortKey = 'severity' | 'person' | 'rule' | 'measured' | 'excess' | 'window';
export type EventFilter = 'all' | 'failed' | 'waiting' | 'retried' | 'cache';

export function isPanelRequest(value: unknown): value is PanelRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m['type'] === 'ready') return true;
  if (m['type'] === 'command') return typeof m['command'] === 'string' && (PANEL_COMMANDS as readonly string[]).includes(m['command']);
  if (m['type'] === 'nextAction') return Number.isInteger(m['index']) && (m['index'] as number) >= 0;
  if (m['type'] === 'openResource') return typeof m['uri'] === 'string' && m['uri'].startsWith('schedule://') && m['uri'].length <= 2000;
  if (m['type'] === 'shown') {
    const counts = ['steps', 'events', 'findings'].every((k) => Number.isInteger(m[k]));
    return (
      typeof m['runId'] === 'string' &&
      typeof m['state'] === 'string' &&
      typeof m['status'] === 'string' &&
      counts &&
      Array.isArray(m['pictures']) &&
      m['pictures'].every((p) => typeof p === 'string')
    );
  }
  return false;
}
