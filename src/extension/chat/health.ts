/** /health in chat: the server, how each capability resolved, and the tool health the orchestrator measured. */
import type { SchedulingApp } from '../../core/app/schedulingApp';
import { cell, table } from '../../core/report/markdown';
import { healthDescription, latencyJudgement } from '../views/serverTree';

export function healthMarkdown(app: SchedulingApp): string {
  const info = app.connection.serverInfo;
  const caps = app.capabilities();
  const available = caps.filter((c) => c.status === 'available');
  const lines = [
    `**${cell(info ? `${info.name} ${info.version}` : 'Scheduling server')}** (${cell(app.connection.description)}): ${available.length} of ${caps.length} capabilities available.`,
    '',
  ];
  const missing = caps.filter((c) => c.status === 'unavailable');
  if (missing.length > 0) lines.push(`Unavailable: ${missing.map((c) => `\`${c.capability}\``).join(', ')} (the workflows skip them with lowered confidence).`, '');
  const health = app.health();
  lines.push(
    health.length > 0
      ? table(
          ['capability', 'health'],
          health.map((h) => [h.capability, `${healthDescription(h)} (${latencyJudgement(h)})`]),
        )
      : 'No tool has been called yet in this window: run a workflow to measure latency and errors.',
  );
  return lines.join('\n');
}
