/**
 * Progress lines on stderr while a workflow runs: phases as they start, each step as it
 * finishes (confidence, source, time), retries, cache hits, fallbacks, breaker changes,
 * decisions and approvals. One line per event, so logs and cron mails stay readable.
 */
import { formatAge } from '../core/confidence/score';
import type { EngineEvent } from '../core/engine/events';
import { BY_DESIGN, type StepResult } from '../core/engine/results';
import { stepSource } from '../core/report/stepSource';
import { formatMs } from '../core/report/markdown';
import { confidenceStyle, statusStyle, type Paint } from './style';

function stepLine(r: StepResult, paint: Paint): string {
  const id = r.stepId.padEnd(18);
  if (r.status === 'skipped' && r.skip && BY_DESIGN.has(r.skip.cause)) {
    return `    ${paint('dim', `- ${id} skipped: ${r.skip.reason}`)}`;
  }
  if (r.skip?.cause === 'uncertain_write') {
    return `    ${paint('red', `? ${id}`)} outcome unknown${r.error ? ` after ${r.error.kind}: ${r.error.message}` : ''}`;
  }
  if (r.status !== 'succeeded') {
    const mark = r.status === 'failed' ? '✗' : '!';
    return `    ${paint('red', `${mark} ${id}`)} ${r.skip?.reason ?? r.error?.message ?? r.status}`;
  }
  const tool = (r.tool ?? (r.kind === 'tool' || r.kind === 'hub' ? (r.capability ?? '') : r.kind)).padEnd(38);
  const conf = paint(confidenceStyle(r.confidence.colour), `${r.confidence.value.toFixed(2)} ${r.confidence.levelName}`.padEnd(15));
  const extra = r.label ? `  ${paint('yellow', r.label)}` : '';
  return `    ${paint('green', '✓')} ${id} ${tool} ${stepSource(r).padEnd(8)} ${conf} ${formatMs(r.durationMs).padStart(8)}${extra}`;
}

/**
 * A listener printing the events of the runs it is given (and breaker changes) to `write`.
 * With `detail: 'phases'` a step that answered live is not printed (the demo's compact view);
 * anything that degraded still is.
 */
export function progressPrinter(write: (line: string) => void, paint: Paint, detail: 'steps' | 'phases' = 'steps'): (event: EngineEvent) => void {
  let notReached = 0;
  // The engine's stop reason for an unknown write names its API option; the summary says what to do here.
  const uncertain: string[] = [];
  return (e) => {
    switch (e.type) {
      case 'run_started':
        write(`${paint('bold', `▶ ${e.title}`)} (mode ${e.mode}${e.resumed ? ', resumed' : ''}) run ${e.runId}`);
        break;
      case 'run_queued':
        write(`  … waiting: schedule ${e.scheduleId} is being changed by run ${e.behindRunId}`);
        break;
      case 'phase_started':
        write(`  ${paint('cyan', e.title)}`);
        break;
      case 'step_finished':
        // Steps the run never reached are summed up once at its end, not listed.
        if (e.result.skip?.cause === 'uncertain_write') uncertain.push(e.result.stepId);
        if (e.result.skip?.cause === 'not_run') notReached++;
        else if (detail === 'steps' || (e.result.status !== 'succeeded' && !(e.result.skip && BY_DESIGN.has(e.result.skip.cause)))) write(stepLine(e.result, paint));
        break;
      case 'retry_scheduled':
        write(`    ${paint('yellow', '↻')} retry ${e.capability} (attempt ${e.attempt + 1} in ${formatMs(e.delayMs)}): ${e.error.kind}: ${e.error.message}`);
        break;
      case 'cache_hit':
        write(`    ${paint('dim', `⚡ cache hit ${e.capability} (${formatAge(e.ageMs)} old)`)}`);
        break;
      case 'fallback_used':
        write(`    ${paint('yellow', '⤷')} ${e.stepId}: ${e.label} (after ${e.error.kind}: ${e.error.message})`);
        break;
      case 'breaker_changed':
        write(`    ${paint(e.to === 'closed' ? 'green' : 'red', '⚠')} circuit breaker ${e.capability}: ${e.from} -> ${e.to}`);
        break;
      case 'decision': {
        const style = e.decision === 'proceed' ? 'green' : e.decision === 'review' ? 'yellow' : 'red';
        const label = e.source === 'confidence' ? 'gate' : 'rule';
        write(`    ${paint(style, `◆ ${label} ${e.decision}${e.status ? ` (${e.status})` : ''}`)}: ${e.reason}`);
        break;
      }
      case 'approval_requested':
        write(
          `    ${paint('magenta', '?')} approval requested: ${e.request.title}${e.request.blockingIssues.length ? ` (${e.request.blockingIssues.length} blocking issue(s))` : ''}`,
        );
        break;
      case 'approval_answered':
        write(
          `    ${paint(e.answer.approved ? 'green' : 'red', e.answer.approved ? '✔ approved' : '✘ rejected')} by ${e.answer.approver}: ${e.answer.reason}${e.exception ? ` [exception ${e.exception.id}]` : ''}`,
        );
        break;
      case 'run_finished': {
        if (notReached > 0) write(`  ${paint('dim', `(${notReached} step(s) not reached)`)}`);
        notReached = 0;
        const reason = uncertain.length > 0 ? `outcome of write ${uncertain.join(', ')} unknown: see the summary for the check and how to resume` : e.reason;
        uncertain.length = 0;
        const conf = e.confidence
          ? ` confidence ${paint(confidenceStyle(e.confidence.colour), `${e.confidence.value.toFixed(2)} ${e.confidence.levelName} (${e.confidence.colour})`)}`
          : '';
        write(`${paint(statusStyle(e.status), `■ ${e.status}`)} in ${formatMs(e.durationMs)}${conf}${reason ? ` — ${reason}` : ''}`);
        break;
      }
      default:
        break;
    }
  };
}
