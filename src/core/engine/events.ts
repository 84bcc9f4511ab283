/**
 * The one typed event stream every host consumes (CLI, VS Code tree and webview, chat).
 * Run-scoped events carry `runId` and are what the run's history file records; breaker and
 * health events concern tools and are shared by all runs.
 */
import type { Confidence } from '../confidence/score';
import type { ConfidenceDecision } from '../confidence/thresholds';
import type { PolicyEvent } from '../policy/runtime';
import type { Logger } from '../util/log';
import type { ApprovalAnswer, ApprovalRequest, ExceptionRecord } from './approval';
import type { InputAnswer, InputRequest } from './inputPort';
import type { JsonObject } from './definition';
import type { ErrorInfo, PhaseStatus, RunStatus, StepResult } from './results';

export type EngineEvent =
  | {
      type: 'run_started';
      runId: string;
      workflowId: string;
      workflowVersion: number;
      title: string;
      mode: string;
      inputs: JsonObject;
      scheduleId: string;
      writes: boolean;
      /** True when an earlier run is continued from its history. */
      resumed: boolean;
      at: number;
    }
  | { type: 'run_queued'; runId: string; workflowId: string; scheduleId: string; behindRunId: string; at: number }
  | { type: 'run_finished'; runId: string; status: RunStatus; reason?: string; confidence?: Confidence; durationMs: number; at: number }
  | { type: 'phase_started'; runId: string; phaseId: string; title: string; at: number }
  | { type: 'phase_finished'; runId: string; phaseId: string; status: PhaseStatus; confidence?: number; warnings: string[]; at: number }
  | { type: 'step_started'; runId: string; phaseId: string; stepId: string; kind: StepResult['kind']; capability?: string; writes: boolean; at: number }
  /** A call runs as a server task (MCP tasks): recorded before waiting, so a resumed run polls it instead of calling again. */
  | { type: 'task_started'; runId: string; stepId: string; capability: string; taskId: string; at: number }
  /**
   * A server asked for user input (MCP elicitation) during a call of this run; no secret values,
   * no URL beyond its domain. `stepId` names the step whose call asked; when that is not known
   * (several calls were in flight throughout and the request named no task), `inFlight` lists
   * the steps of this run whose calls it may belong to.
   */
  | {
      type: 'elicitation_answered';
      runId: string;
      stepId?: string;
      inFlight?: string[];
      server: string;
      mode: 'form' | 'url';
      message: string;
      action: 'accept' | 'decline' | 'cancel';
      answers?: Record<string, string | number | boolean | string[]>;
      domain?: string;
      note?: string;
      at: number;
    }
  | { type: 'progress'; runId: string; stepId: string; progress: number; total?: number; message?: string; at: number }
  | { type: 'retry_scheduled'; runId: string; stepId: string; capability: string; attempt: number; delayMs: number; error: ErrorInfo; at: number }
  | { type: 'cache_hit'; runId: string; stepId: string; capability: string; ageMs: number; at: number }
  | {
      type: 'fallback_used';
      runId: string;
      stepId: string;
      capability: string;
      fallback: 'cache' | 'tool' | 'compute';
      label: string;
      error: ErrorInfo;
      at: number;
    }
  | { type: 'step_finished'; runId: string; phaseId: string; stepId: string; result: StepResult; at: number }
  | { type: 'approval_requested'; runId: string; stepId: string; request: ApprovalRequest; at: number }
  | { type: 'approval_answered'; runId: string; stepId: string; answer: ApprovalAnswer; exception?: ExceptionRecord; at: number }
  | { type: 'input_requested'; runId: string; stepId: string; request: InputRequest; at: number }
  /** A "needs input" answer; resume reuses it for the same argument. */
  | { type: 'input_answered'; runId: string; stepId: string; arg: string; answer: InputAnswer; at: number }
  | {
      type: 'decision';
      runId: string;
      phaseId: string;
      /** `confidence`: a gate's thresholds; `rule`: the phase's own rule. */
      source: 'confidence' | 'rule';
      decision: ConfidenceDecision | 'stop';
      /** For `stop`: how the run ends. */
      status?: RunStatus;
      reason: string;
      confidence?: number;
      at: number;
    }
  | PolicyEvent;

export type EngineEventType = EngineEvent['type'];
export type RunEvent = Extract<EngineEvent, { runId: string }>;

export function isRunEvent(event: EngineEvent): event is RunEvent {
  return 'runId' in event;
}

export type EventListener = (event: EngineEvent) => void;

/** Fan-out to subscribers; a failing listener is logged and never breaks a run. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.log('warn', `An event listener failed on ${event.type}`, { error: String(error) });
      }
    }
  }
}
