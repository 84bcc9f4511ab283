/** The texts hosts show for runs, phases and steps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeConfidence } from '../../../src/core/confidence/score';
import type { StepResult } from '../../../src/core/engine/results';
import { confidenceText, escapeMarkdown, phaseDescription, stepDescription, stepSourceText, stepTooltipMarkdown } from '../../../src/core/app/runLabels';
import type { StepSnapshot } from '../../../src/core/app/runSnapshot';

const confidence = computeConfidence([
  { kind: 'base', label: 'tool answered', value: 0.9 },
  { kind: 'adjust', label: 'slow call', delta: -0.05 },
]);

function result(over: Partial<StepResult>): StepResult {
  return {
    stepId: 's',
    phaseId: 'p',
    kind: 'tool',
    status: 'succeeded',
    source: 'live',
    confidence,
    attempts: 1,
    durationMs: 1200,
    startedAt: 0,
    finishedAt: 1200,
    writes: false,
    critical: false,
    warnings: [],
    ...over,
  };
}

function step(over: Partial<StepSnapshot>): StepSnapshot {
  return { stepId: 's', phaseId: 'p', title: 'ACGME check', kind: 'tool', capability: 'validate_schedule', writes: false, state: 'succeeded', retries: [], ...over };
}

describe('run labels', () => {
  it('names a confidence by its level', () => assert.equal(confidenceText(0.85), '0.85 High'));

  it('describes a finished step by confidence, source and duration', () => {
    assert.equal(stepDescription(step({ result: result({}) }), 0), '0.85 High · 1.2 s');
    assert.equal(stepDescription(step({ result: result({ source: 'cache', cacheAgeMs: 180_000 }) }), 0), '0.85 High · cache · 1.2 s');
    assert.equal(stepDescription(step({ result: result({ status: 'skipped', source: 'none', skip: { cause: 'mode', reason: 'quick mode' } }) }), 0), 'skipped');
  });

  it('describes a running step by its progress and elapsed time', () => {
    assert.equal(stepDescription(step({ state: 'running', startedAt: 1000, progress: { progress: 1, total: 4 } }), 3000), 'running · 25% · 2.0 s');
  });

  it('says where a result came from', () => {
    assert.equal(stepSourceText(step({ result: result({ source: 'cache', cacheAgeMs: 180_000 }) })), 'cache from 3 min ago');
    assert.equal(stepSourceText(step({ result: result({ status: 'skipped', source: 'none', skip: { cause: 'mode', reason: 'quick mode' } }) })), 'skipped: quick mode');
    assert.equal(stepSourceText(step({ state: 'queued' })), undefined);
  });

  it('lists the confidence factors in the tooltip and escapes server text', () => {
    const md = stepTooltipMarkdown(step({ result: result({ tool: 'validate_schedule_tool', warnings: ['<img src=x>'] }), note: '[link](http://x)' }));
    assert.match(md, /base 0\.90: tool answered/);
    assert.match(md, /−0\.05 slow call/);
    assert.match(md, /Attempts: 1; duration 1\.2 s/);
    assert.ok(md.includes('\\<img') && !/[^\\]<img/.test(md), md);
    assert.ok(md.includes('\\[link\\]\\(http://x\\)'));
  });

  it("lists each argument's provenance in the step tooltip", () => {
    const md = stepTooltipMarkdown(
      step({
        result: result({
          argProvenance: [
            { arg: 'coverage_rate', value: 0.94, source: 'derived', from: 'validate_schedule' },
            { arg: 'required_blocks', value: 120, source: 'user' },
          ],
        }),
      }),
    );
    assert.match(md, /Arguments:\n- coverage\\_rate 0\.94 from validate\\_schedule\n- required\\_blocks 120 answered during the run/);
    assert.doesNotMatch(stepTooltipMarkdown(step({ result: result({}) })), /Arguments:/);
  });

  it('shows a phase confidence and any state other than completed', () => {
    assert.equal(phaseDescription({ phaseId: 'p', title: 'P', state: 'completed', confidence: 0.5, warnings: [], steps: [] }), '0.50 Moderate');
    assert.equal(phaseDescription({ phaseId: 'p', title: 'P', state: 'skipped', warnings: [], steps: [] }), 'skipped');
  });

  it('escapes Markdown syntax', () => assert.equal(escapeMarkdown('a*b_[c]'), 'a\\*b\\_\\[c\\]'));
});
