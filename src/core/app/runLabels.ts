/**
 * Short texts a host shows for runs, phases and steps (a tree row's description, a tooltip),
 * built from snapshots so every host words them alike. Durations use the report's format,
 * confidence the framework's level names.
 */
import type { Confidence } from '../confidence/score';
import { confidenceLevel } from '../confidence/levels';
import { describeProvenance } from '../engine/provenance';
import { formatMs } from '../report/markdown';
import { runStateLabel } from '../report/runState';
import { stepSource } from '../report/stepSource';
import type { PhaseSnapshot, RunSnapshot, StepSnapshot } from './runSnapshot';

/** "0.82 High", the way every host names a confidence. */
export function confidenceText(value: number): string {
  return `${value.toFixed(2)} ${confidenceLevel(value).name}`;
}

function join(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');
}

export function runDescription(run: RunSnapshot, now: number): string {
  const elapsed = run.durationMs ?? (run.state === 'running' || run.state === 'waiting' || run.state === 'queued' ? now - run.startedAt : undefined);
  return join([run.mode, runStateLabel(run.state), run.confidence ? confidenceText(run.confidence.value) : undefined, elapsed !== undefined ? formatMs(elapsed) : undefined]);
}

export function phaseDescription(phase: PhaseSnapshot): string {
  return join([phase.confidence !== undefined ? confidenceText(phase.confidence) : undefined, phase.state === 'completed' ? undefined : phase.state]);
}

/** Where a step's result came from, in words: live, cache from N min ago, fallback, skipped and why. */
export function stepSourceText(step: StepSnapshot): string | undefined {
  const r = step.result;
  if (!r) return undefined;
  if (r.status === 'failed') return `failed${r.error ? `: ${r.error.kind}` : ''}`;
  const source = stepSource(r);
  if (source === 'cache') return `cache from ${Math.round((r.cacheAgeMs ?? 0) / 60_000)} min ago`;
  if (source === 'fallback') return `fallback${r.label ? ` (${r.label})` : ''}`;
  if (source === 'skipped') return `skipped${r.skip ? `: ${r.skip.reason}` : ''}`;
  return 'live';
}

export function stepDescription(step: StepSnapshot, now: number): string {
  const r = step.result;
  if (!r) {
    const progress = step.progress ? `${step.progress.total ? `${Math.round((100 * step.progress.progress) / step.progress.total)}%` : String(step.progress.progress)}` : undefined;
    const running = step.state === 'running' && step.startedAt !== undefined ? formatMs(now - step.startedAt) : undefined;
    return join([step.state, progress, running, step.retries.length > 0 ? `retry ${step.retries.length}` : undefined]);
  }
  const source = stepSource(r);
  return join([
    r.status === 'skipped' ? 'skipped' : confidenceText(r.confidence.value),
    source === 'cache' || source === 'fallback' ? source : undefined,
    r.status === 'skipped' ? undefined : formatMs(r.durationMs),
  ]);
}

function factorLines(confidence: Confidence): string[] {
  return confidence.factors.map((f) =>
    f.kind === 'base'
      ? `base ${f.value.toFixed(2)}: ${f.label}`
      : f.kind === 'adjust'
        ? `${f.delta >= 0 ? '+' : '−'}${Math.abs(f.delta).toFixed(2)} ${f.label}`
        : `cap ${f.max.toFixed(2)}: ${f.label}`,
  );
}

/** A step's tooltip as Markdown: arguments with their provenance, confidence factors, source, attempts, note, error. Server text is escaped. */
export function stepTooltipMarkdown(step: StepSnapshot): string {
  const r = step.result;
  const lines = [`**${escapeMarkdown(step.title)}**${step.capability ? ` — ${code(step.capability)}` : ''}${r?.tool ? ` → ${code(r.tool)}` : ''}`, ''];
  // Facts one per line: a Markdown hard break (two spaces) ends each.
  const facts = [`State: ${step.state}${step.writes ? ' (writes)' : ''}`];
  const source = stepSourceText(step);
  if (source) facts.push(`Source: ${escapeMarkdown(source)}`);
  if (r) facts.push(`Attempts: ${r.attempts}; duration ${formatMs(r.durationMs)}`);
  lines.push(facts.join('  \n'));
  const args = r?.argProvenance ?? [];
  if (args.length > 0) {
    lines.push('', 'Arguments:');
    for (const p of args) lines.push(`- ${escapeMarkdown(describeProvenance(p))}`);
  }
  if (r) {
    if (r.status !== 'skipped') {
      lines.push('', `Confidence **${confidenceText(r.confidence.value)}**`);
      for (const line of factorLines(r.confidence)) lines.push(`- ${escapeMarkdown(line)}`);
    }
    if (r.error) lines.push('', `Error (${r.error.kind}): ${escapeMarkdown(r.error.message)}`);
    for (const w of r.warnings) lines.push(`- ⚠ ${escapeMarkdown(w)}`);
  } else if (step.retries.length > 0) {
    const last = step.retries[step.retries.length - 1]!;
    lines.push(`Retries: ${step.retries.length} (last: ${last.error.kind}: ${escapeMarkdown(last.error.message)})`);
  }
  if (step.note) lines.push('', `Note: ${escapeMarkdown(step.note)}`);
  return lines.join('\n');
}

export function runTooltipMarkdown(run: RunSnapshot): string {
  const lines = [`**${escapeMarkdown(run.title)}** (${run.mode}) — ${runStateLabel(run.state)}`, '', `Run ${code(run.runId)}, started ${new Date(run.startedAt).toISOString()}`];
  if (run.reason) lines.push('', escapeMarkdown(run.reason));
  if (run.confidence) {
    lines.push('', `Confidence **${confidenceText(run.confidence.value)}**: ${escapeMarkdown(run.confidence.reason)}`);
  }
  return lines.join('\n');
}

/** Server and workflow text shown as Markdown must not become links, images or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#<>|~]/g, (c) => `\\${c}`);
}

/** A code span: nothing inside is Markdown, so only its own delimiter must go. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
