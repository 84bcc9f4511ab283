/** Binary search over sorted lists: the same index as a scan from the start. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { firstNotBefore } from '../../../src/server/domain/sorted';

describe('firstNotBefore', () => {
  it('finds the first item not before the bound, as a linear scan does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 })), fc.integer({ min: -5, max: 55 }), (values, bound) => {
        const sorted = [...values].sort((a, b) => a - b);
        const scanned = sorted.findIndex((v) => v >= bound);
        assert.equal(
          firstNotBefore(sorted, (v) => v < bound),
          scanned === -1 ? sorted.length : scanned,
        );
      }),
    );
  });
});
