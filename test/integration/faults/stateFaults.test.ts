/**
 * Saved state across real runs (one server process and one policy runtime each): a
 * result from an earlier run is never served as fresh by a server that reports no data
 * version, but stands in when the tool fails, with its age; corrupted and forged state
 * files are dropped with a warning, and the next save writes valid ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PolicyOverrides } from '../../../src/core/policy/policies';
import { startFaultPeer } from '../../support/faults/faultPeer';

const HOUR = 3_600_000;
const overrides: PolicyOverrides = { flaky: { retry: { maxRetries: 0 }, cache: { ttlMs: HOUR, maxAgeMs: HOUR } } };

describe('state across runs (real processes)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-orch-state-faults-'));
  const stateDir = join(dir, 'state');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("an earlier run's result is not fresh, but stands in for a failing tool labelled with its age", async () => {
    const first = await startFaultPeer(overrides, { dir, stateDir });
    first.setFlaky('ok');
    const live = await first.call('flaky', {}, { cacheMode: 'use' });
    assert.ok(live.ok && live.source === 'live');
    const cached = await first.call('flaky', {}, { cacheMode: 'use' });
    assert.ok(cached.ok && cached.source === 'cache', 'within one run it is reused');
    await first.close();
    const storedAt = Date.now();

    const second = await startFaultPeer(overrides, { dir, stateDir });
    try {
      second.setFlaky('fail');
      const failed = await second.call('flaky', {}, { cacheMode: 'use' });
      assert.ok(!failed.ok && failed.error.kind === 'tool_error', 'another run asked the server again');
      const fallback = second.runtime.cachedWithin('flaky', {}, HOUR);
      assert.ok(fallback, "the earlier run's result is there for the fallback");
      assert.ok(fallback.ageMs >= Date.now() - storedAt - 1000 && fallback.ageMs <= Date.now() - storedAt + 5000, `labelled with its age (${fallback.ageMs} ms)`);
      second.setFlaky('ok');
      const again = await second.call('flaky', {}, { cacheMode: 'use' });
      assert.ok(again.ok && again.source === 'live');
    } finally {
      await second.close();
    }
  });

  it('corrupted and forged state files are dropped with a warning; the next save is valid', async () => {
    writeFileSync(join(stateDir, 'breakers.json'), '{"half a file');
    const forged = {
      entries: [
        ['flaky:0123', { serverIdentity: 'x', capability: 'flaky', tool: 'flaky', dataVersion: null, dataIdentity: null, runId: 'r', data: null, storedAt: 0, expiresAt: 9e15 }],
      ],
    };
    writeFileSync(join(stateDir, 'result-cache.json'), JSON.stringify(forged));
    const third = await startFaultPeer(overrides, { dir, stateDir });
    try {
      assert.match(third.logger.text(), /Ignoring unreadable state file breakers\.json/);
      assert.match(third.logger.text(), /Dropped saved cache entries that cannot be trusted/);
      assert.equal(third.runtime.cachedEntries, 0);
      third.setFlaky('ok');
      const result = await third.call('flaky', {}, { cacheMode: 'use' });
      assert.ok(result.ok && result.source === 'live');
      third.setFlaky('fail');
      for (let i = 0; i < 5; i++) await third.call('flaky');
    } finally {
      await third.close();
    }
    const breakers = JSON.parse(readFileSync(join(stateDir, 'breakers.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(Object.keys(breakers).length, 1);
    const saved = JSON.parse(readFileSync(join(stateDir, 'result-cache.json'), 'utf8')) as { entries: unknown[][] };
    assert.equal(saved.entries.length, 1);
    assert.match(String(saved.entries[0]![2]), /^[0-9a-f]{64}$/, 'signed');
  });
});
