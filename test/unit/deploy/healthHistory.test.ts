import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { worstState, type HealthState } from '../../../src/core/deploy/health';
import { HealthHistory, HOUR_MS, nextProbeDelay, percentile } from '../../../src/core/deploy/healthHistory';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('deploy/healthHistory', () => {
  it('percentile is an element of the values, monotone in p, min at p≈0 and max at 100', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (values, p, q) => {
        const a = percentile(values, Math.min(p, q))!;
        const b = percentile(values, Math.max(p, q))!;
        assert.ok(values.includes(a));
        assert.ok(a <= b);
        assert.equal(percentile(values, 100), Math.max(...values));
        assert.equal(percentile(values, 0), Math.min(...values));
      }),
    );
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95), 95);
  });

  it('uptime and latency cover only the last hour of an injected clock', () => {
    const h = new HealthHistory();
    const check = 'http https://x/healthz';
    // an hour-old outage, then 3 healthy probes
    h.record({ check, latencyMs: 5000, state: 'unhealthy', at: at(0) });
    h.record({ check, latencyMs: 10, state: 'healthy', at: at(30 * 60_000) });
    h.record({ check, latencyMs: 30, state: 'healthy', at: at(40 * 60_000) });
    h.record({ check, latencyMs: 20, state: 'degraded', at: at(50 * 60_000) });
    const during = h.stats(check, T0 + 55 * 60_000);
    assert.equal(during.samples, 4);
    assert.equal(during.uptime, 0.75);
    assert.equal(during.p50, 20, 'unanswered probes do not count in latency');
    const later = h.stats(check, T0 + HOUR_MS + 1);
    assert.equal(later.samples, 3);
    assert.equal(later.uptime, 1);
    assert.equal(later.p95, 30);
    assert.equal(later.last, 'degraded');
    assert.deepEqual(h.stats('other', T0), { samples: 0, p50: null, p95: null, uptime: null, last: null });
  });

  it('record returns the previous state, so a caller can notify on a change', () => {
    const h = new HealthHistory();
    const check = 'tcp db:5432';
    assert.equal(h.record({ check, latencyMs: 1, state: 'healthy', at: at(0) }), null);
    assert.equal(h.record({ check, latencyMs: 1, state: 'unhealthy', at: at(1000) }), 'healthy');
    assert.equal(h.record({ check, latencyMs: 1, state: 'healthy', at: at(2000) }), 'unhealthy');
  });

  it('uptime is the share of answered probes (property)', () => {
    const states: HealthState[] = ['healthy', 'degraded', 'unhealthy'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 100 }), (list) => {
        const h = new HealthHistory();
        list.forEach((state, i) => h.record({ check: 'c', latencyMs: i, state, at: at(i * 1000) }));
        const s = h.stats('c', T0 + list.length * 1000);
        assert.equal(s.uptime, list.filter((x) => x !== 'unhealthy').length / list.length);
        assert.equal(s.last, list[list.length - 1]);
      }),
    );
  });

  it('backoff doubles per failure up to the maximum and resets on success', () => {
    assert.equal(nextProbeDelay(60_000, 0), 60_000);
    assert.equal(nextProbeDelay(60_000, 1), 120_000);
    assert.equal(nextProbeDelay(60_000, 2), 240_000);
    assert.equal(nextProbeDelay(60_000, 3), 300_000);
    assert.equal(nextProbeDelay(60_000, 50), 300_000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 600_000 }), fc.nat(100), (interval, failures) => {
      const d = nextProbeDelay(interval, failures);
      assert.ok(d >= interval && d <= Math.max(interval, 300_000));
      assert.ok(nextProbeDelay(interval, failures + 1) >= d);
    }));
  });

  it('worstState', () => {
    assert.equal(worstState([]), 'healthy');
    assert.equal(worstState(['healthy', 'degraded']), 'degraded');
    assert.equal(worstState(['degraded', 'unhealthy', 'healthy']), 'unhealthy');
  });
});
