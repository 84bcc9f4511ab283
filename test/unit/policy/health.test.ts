/** Tool health status from latency, error and timeout rates and breaker state (seed thresholds). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthMonitor, type HealthChange } from '../../../src/core/policy/health';
import { FakeClock } from '../../support/engine/fakeClock';

function monitor() {
  const clock = new FakeClock();
  const changes: HealthChange[] = [];
  const health = new HealthMonitor({ clock, slaOf: () => 100, onChange: (c) => changes.push(c) });
  return { clock, health, changes };
}

describe('tool health', () => {
  it('is HEALTHY with fast successful calls and reports p50/p95 and rates', () => {
    const { health } = monitor();
    for (let i = 1; i <= 20; i++) health.record('validate_schedule', 'validate_schedule_tool', 'success', i * 3);
    const h = health.get('validate_schedule');
    assert.equal(h.status, 'HEALTHY');
    assert.equal(h.p50Ms, 30);
    assert.equal(h.p95Ms, 57);
    assert.equal(h.successRate, 1);
    assert.equal(h.tool, 'validate_schedule_tool');
  });

  it('is DEGRADED when p95 reaches 80% of the SLA', () => {
    const { health } = monitor();
    for (let i = 0; i < 20; i++) health.record('c', undefined, 'success', 85);
    assert.equal(health.get('c').status, 'DEGRADED');
    assert.deepEqual(health.get('c').reasons, ['p95 85 ms >= 80% of SLA 100 ms']);
  });

  it('is CRITICAL when p95 exceeds 150% of the SLA, or errors exceed 5%', () => {
    const slow = monitor();
    for (let i = 0; i < 20; i++) slow.health.record('c', undefined, 'success', 160);
    assert.equal(slow.health.get('c').status, 'CRITICAL');
    const failing = monitor();
    for (let i = 0; i < 18; i++) failing.health.record('c', undefined, 'success', 10);
    failing.health.record('c', undefined, 'error', 10);
    failing.health.record('c', undefined, 'error', 10);
    const h = failing.health.get('c');
    assert.equal(h.status, 'CRITICAL');
    assert.equal(h.errorRate, 0.1);
  });

  it('judges latency from the third call, on p50 until 20 calls: one slow first call is no CRITICAL tool', () => {
    const { health } = monitor();
    health.record('c', undefined, 'success', 900); // a cold first call, 9 x the SLA
    assert.equal(health.get('c').status, 'HEALTHY');
    assert.equal(health.get('c').latencyBasis, undefined);
    health.record('c', undefined, 'success', 20);
    health.record('c', undefined, 'success', 30);
    assert.equal(health.get('c').status, 'HEALTHY');
    assert.equal(health.get('c').latencyBasis, 'p50');
    assert.equal(health.get('c').p95Ms, 900, 'the slow call is still reported');

    const slow = monitor();
    for (let i = 0; i < 2; i++) slow.health.record('c', undefined, 'success', 200);
    assert.equal(slow.health.get('c').status, 'HEALTHY', 'two calls: latency not judged yet');
    slow.health.record('c', undefined, 'success', 200);
    assert.equal(slow.health.get('c').status, 'CRITICAL');
    assert.deepEqual(slow.health.get('c').reasons, ['p50 (of 3 calls) 200 ms > 150% of SLA 100 ms']);
    for (let i = 0; i < 17; i++) slow.health.record('c', undefined, 'success', 200);
    assert.equal(slow.health.get('c').latencyBasis, 'p95');
  });

  it('one recent timeout degrades, repeated timeouts are critical', () => {
    const { health } = monitor();
    for (let i = 0; i < 30; i++) health.record('c', undefined, 'success', 10);
    health.record('c', undefined, 'timeout', 5000);
    assert.equal(health.get('c').status, 'DEGRADED');
    health.record('c', undefined, 'timeout', 5000);
    assert.equal(health.get('c').status, 'CRITICAL');
  });

  it('is UNAVAILABLE while the breaker is open or the capability is missing, and emits changes', () => {
    const { health, changes } = monitor();
    health.record('c', undefined, 'success', 10);
    health.setBreaker('c', 'open');
    assert.equal(health.get('c').status, 'UNAVAILABLE');
    health.setBreaker('c', 'half_open');
    assert.equal(health.get('c').status, 'DEGRADED');
    health.setBreaker('c', 'closed');
    health.setUnavailable('d', 'armory off');
    assert.deepEqual(
      changes.map((c) => `${c.capability}:${c.from}->${c.to}`),
      ['c:HEALTHY->UNAVAILABLE', 'c:UNAVAILABLE->DEGRADED', 'c:DEGRADED->HEALTHY', 'd:HEALTHY->UNAVAILABLE'],
    );
  });

  it('forgets samples older than the 5-minute window', async () => {
    const { clock, health } = monitor();
    health.record('c', undefined, 'error', 10);
    assert.equal(health.get('c').status, 'CRITICAL');
    await clock.advance(6 * 60_000);
    assert.equal(health.get('c').samples, 0);
    assert.equal(health.get('c').status, 'HEALTHY');
  });
});
