/**
 * The generator's stopping rule: flat when the best objective improved by less than the
 * minimum share over the trailing window (the window's length, or a quarter of the time
 * since the search began if longer); never before a whole window has passed, never with a
 * minimum of 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from '../../../src/server/generation/stoppingRule';

describe('stopping rule', () => {
  it('is not flat before a whole window has passed', () => {
    const p = new Progress(0.001, 2);
    p.record(0, 100);
    assert.equal(p.flat(1.9, 0), false);
    assert.equal(p.flat(2, 0), true);
  });

  it('stays open while the last window improved by at least the minimum share', () => {
    const p = new Progress(0.001, 2);
    p.record(0, 100);
    p.record(1.5, 99.5); // 0.5 % within the window ending at 3 s
    assert.equal(p.flat(3, 0), false);
    // From 3.5 s the window starts after the last improvement: nothing gained in it.
    assert.equal(p.flat(3.5, 0), true);
  });

  it('counts a gain under the minimum share as none', () => {
    const p = new Progress(0.01, 2);
    p.record(0, 100);
    p.record(1, 99.5); // 0.5 % < 1 %
    assert.equal(p.flat(2, 0), true);
  });

  it('widens the window to a quarter of the time since the origin', () => {
    const p = new Progress(0.001, 2);
    p.record(10, 100);
    p.record(13, 90);
    // At 20 s since origin 0 the window is 5 s: it reaches back to 15 s, after the last gain.
    assert.equal(p.flat(20, 0), true);
    // At 16 s the window is 4 s and reaches back to 12 s, before the gain at 13 s.
    assert.equal(p.flat(16, 0), false);
  });

  it('never stops with a minimum of 0 (search until the time limit)', () => {
    const p = new Progress(0, 2);
    p.record(0, 100);
    assert.equal(p.flat(100, 0), false);
  });
});
