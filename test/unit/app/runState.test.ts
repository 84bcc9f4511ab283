/** One word for a run's state in every host: the Runs tree, the run panel's header, the end-of-run notification and chat. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDescription, runTooltipMarkdown } from '../../../src/core/app/runLabels';
import { snapshotFromHistory } from '../../../src/core/app/runSnapshot';
import type { RunEvent } from '../../../src/core/engine/events';
import { buildReport } from '../../../src/core/report/report';
import { runStateLabel } from '../../../src/core/report/runState';
import { summaryMarkdown } from '../../../src/core/report/summary';
import { generation } from '../../../src/core/workflows/generation';
import { harness, load } from '../../support/engine/harness';
import { defineScheduler, WRITERS } from '../../support/workflows/fakeScheduler';

describe('run state label', () => {
  it('words the engine states and the live ones for people', () => {
    assert.deepEqual((['needs_review', 'rejected', 'blocked', 'waiting'] as const).map(runStateLabel), ['needs review', 'rejected', 'blocked', 'waiting']);
  });

  it('a rejected generation reads "rejected" in the tree, its tooltip and the chat summary; the report keeps "blocked" for scripts', async () => {
    const h = await harness();
    defineScheduler(h.tools, {});
    h.approvals.enqueue({ approved: false, approver: 'coordinator', reason: 'not this week' });
    const started = h.engine.start(load(generation.definition, [...WRITERS]), { inputs: { start_date: '2026-03-30', end_date: '2026-04-05', today: '2026-03-25' } });
    const summary = await h.clock.run(started.result);
    assert.equal(summary.status, 'rejected');
    const report = buildReport({ module: generation, summary, events: h.events, server: 'fake-server 1.0' });
    assert.equal(report.header.status, 'blocked', 'exit codes and --json branch on the folded status');

    const runEvents = h.events.filter((e): e is RunEvent => 'runId' in e && e.type !== 'progress');
    const snapshot = snapshotFromHistory(runEvents, generation.definition);
    assert.match(runDescription(snapshot, summary.finishedAt), / · rejected · /);
    assert.match(runTooltipMarkdown(snapshot), /— rejected/);
    assert.match(summaryMarkdown(report), /^\*\*Schedule generation: rejected\*\*/);
    assert.equal(runStateLabel(report.header.engineStatus), 'rejected');
  });
});
