import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatAgo, formatAgoIso, formatBytes } from '../../src/core/format';

describe('format: formatBytes', () => {
  it('bytes, then 1024-based units with one decimal under 10', () => {
    assert.deepEqual([0, 1023, 1024, 1536, 48 * 1024, 767 * 1024 + 300, 5 * 1024 ** 3, 3 * 1024 ** 5].map(formatBytes), ['0 B', '1023 B', '1.0 KB', '1.5 KB', '48 KB', '767 KB', '5.0 GB', '3072 TB']);
  });

  it('property: a known unit, and the number times the unit is the size, rounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (n) => {
        const m = /^(\d+(?:\.\d)?) (B|KB|MB|GB|TB)$/.exec(formatBytes(n));
        assert.ok(m, formatBytes(n));
        const [, num, unit] = m;
        const scale = 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(unit);
        assert.ok(Math.abs(Number(num) * scale - n) <= 0.05 * scale + (Number(num) >= 10 ? 0.5 * scale : 0), `${n} → ${formatBytes(n)}`);
      }),
    );
  });
});

describe('format: formatAgo', () => {
  it('relative within a week, then the date', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    assert.deepEqual([now + 5000, now - 59_000, now - 5 * 60_000, now - 3 * 3600_000, now - 86400_000, now - 3 * 86400_000].map((t) => formatAgo(t, now)), ['just now', 'just now', '5 min ago', '3 h ago', '1 day ago', '3 days ago']);
    assert.equal(formatAgo(now - 8 * 86400_000, now), new Date(now - 8 * 86400_000).toLocaleDateString());
  });
});

describe('format: formatAgoIso', () => {
  it('an ISO time as formatAgo says it; null when there is none or it does not parse', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    assert.equal(formatAgoIso('2026-01-10T09:00:00Z', now), '3 h ago');
    assert.deepEqual([null, undefined, '', 'yesterday-ish'].map((x) => formatAgoIso(x, now)), [null, null, null, null]);
  });
});
