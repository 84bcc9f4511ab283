/** Whether a logger wants a level: asked by hot paths before they build a line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryLogger, filteredLogger, logs, redactingLogger, silentLogger } from '../../../src/core/util/log';

describe('logs()', () => {
  it('a logger that does not say takes every level; the silent one takes none', () => {
    assert.equal(logs(new MemoryLogger(), 'trace'), true);
    assert.equal(logs(silentLogger, 'error'), false);
  });

  it('a filtered logger takes its floor and above, and only what the logger under it takes', () => {
    const info = filteredLogger(new MemoryLogger(), 'info');
    assert.deepEqual(
      (['trace', 'debug', 'info', 'warn', 'error'] as const).map((level) => logs(info, level)),
      [false, false, true, true, true],
    );
    assert.equal(logs(filteredLogger(silentLogger, 'trace'), 'error'), false);
  });

  it('a redacting logger answers for the logger it wraps', () => {
    assert.equal(
      logs(
        redactingLogger(filteredLogger(new MemoryLogger(), 'warn'), () => ['secret-value']),
        'debug',
      ),
      false,
    );
    assert.equal(
      logs(
        redactingLogger(new MemoryLogger(), () => []),
        'trace',
      ),
      true,
    );
  });
});
