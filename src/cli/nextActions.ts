/**
 * Next actions as the CLI writes them: each one a command line a person can paste (writes
 * name the actor to fill in; they still go through their approval).
 */
import type { JsonObject } from '../core/engine/definition';
import type { Report } from '../core/report/report';
import type { NextAction } from '../core/workflows/shared/nextActions';

/** The `run` flag of each workflow input (the inverse of `inputsFrom` in commands/run.ts). */
export const FLAG_OF_INPUT: Readonly<Record<string, string>> = {
  start_date: 'from',
  end_date: 'to',
  schedule_id: 'schedule-id',
  today: 'today',
  available_faculty: 'available-faculty',
  required_blocks: 'required-blocks',
  coverage_rate: 'coverage-rate',
  algorithm: 'algorithm',
  time_limit_seconds: 'time-limit-seconds',
  tighten: 'tighten',
  assignment_id: 'assignment-id',
  requester: 'requester',
  candidate: 'candidate',
  reason: 'swap-reason',
  max_candidates: 'max-candidates',
};

function quote(value: string): string {
  return /^[\w./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function runLine(workflow: string, mode: string | undefined, inputs: JsonObject | undefined): string {
  const parts = ['sched-orch', 'run', workflow];
  if (mode) parts.push('--mode', mode);
  for (const [key, value] of Object.entries(inputs ?? {})) {
    const flag = FLAG_OF_INPUT[key];
    if (!flag || value === undefined || value === null || value === false) continue;
    parts.push(`--${flag}`);
    if (value !== true) parts.push(quote(String(value)));
  }
  return parts.join(' ');
}

export function commandLine(action: NextAction): string {
  switch (action.kind) {
    case 'run':
      return `${action.label}: ${runLine(action.workflow, action.mode, action.inputs)}`;
    case 'fix':
      return action.then ? `${action.label}: ${runLine(action.then.workflow, action.then.mode, action.then.inputs)}` : action.label;
    case 'call': {
      const args = action.writes ? { actor: '<you>', ...action.args } : action.args;
      return `${action.label}: sched-orch call ${action.capability} --args ${quote(JSON.stringify(args))}`;
    }
    case 'override':
      return `${action.label} (--approve --reason "..." --override "<why the exception is justified>")`;
  }
}

/**
 * For a run stopped by writes of unknown outcome: the command that sends them again once a
 * check showed they were not applied (a resumed run keeps every completed step).
 */
export function resumeLine(report: Report): string | undefined {
  const steps = report.degraded.filter((d) => d.kind === 'uncertain_write').map((d) => d.step);
  if (steps.length === 0) return undefined;
  return `If the check shows it was not applied: sched-orch run --resume ${report.header.runId} ${steps.map((s) => `--retry-uncertain-write ${quote(s)}`).join(' ')}`;
}
