import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatBytes } from '../../src/core/format';

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
