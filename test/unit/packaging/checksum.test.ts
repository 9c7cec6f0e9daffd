import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { formatSums, parseSums, sha256File } from '../../../src/core/packaging/checksum';
import { safeName } from '../../../src/core/packaging/build';
import { tomlVersion } from '../../../src/core/packaging/targets';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
// File names as release assets have them: no newline, no backslash, not starting with a space.
const fileName = fc.stringMatching(/^[A-Za-z0-9._+@-][A-Za-z0-9 ._+@()-]{0,40}$/);

describe('packaging/checksum', () => {
  it('SHA256SUMS round-trips: parse(format(entries)) gives every name its hash back', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ name: fileName, sha256: hex64 }), { selector: (e) => e.name, maxLength: 20 }), (entries) => {
        const text = formatSums(entries);
        const parsed = parseSums(text);
        assert.equal(parsed.size, entries.length);
        for (const e of entries) assert.equal(parsed.get(e.name), e.sha256);
        // sorted, one line each, sha256sum's text-mode layout
        const lines = text.split('\n').filter(Boolean);
        assert.deepEqual(lines, [...lines].sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : a.slice(66) > b.slice(66) ? 1 : 0)));
        for (const l of lines) assert.match(l, /^[0-9a-f]{64} {2}\S/);
      }),
    );
  });

  it('parses binary-mode lines, comments and CRLF; upper-case hex is normalized', () => {
    const h = 'A'.repeat(64);
    const sums = parseSums(`# made by hand\r\n${h} *app.zip\r\n\r\n${'b'.repeat(64)}  with space.tgz\n`);
    assert.deepEqual([...sums], [['app.zip', 'a'.repeat(64)], ['with space.tgz', 'b'.repeat(64)]]);
  });

  it('a malformed line is an error naming the line; arbitrary text never crashes the parser otherwise', () => {
    assert.throws(() => parseSums(`${'a'.repeat(64)}  ok\nnot a checksum line\n`), (e: unknown) => e instanceof SdlcError && e.code === 'MalformedChecksums' && /line 2/.test(e.message));
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseSums(text);
        } catch (e) {
          assert.ok(e instanceof SdlcError && e.code === 'MalformedChecksums');
        }
      }),
    );
  });

  it('refuses names sha256sum cannot list', () => {
    assert.throws(() => formatSums([{ name: 'a\nb', sha256: 'a'.repeat(64) }]), /cannot be listed/);
  });

  it('sha256File streams: same digest and size as hashing the bytes at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sdlc-sum-'));
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 3 * 1024 * 1024 + 7 }), async (bytes) => {
          const file = path.join(dir, 'f');
          writeFileSync(file, bytes);
          const got = await sha256File(file);
          assert.equal(got.bytes, bytes.length);
          assert.equal(got.sha256, createHash('sha256').update(bytes).digest('hex'));
        }),
        { numRuns: 20 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('packaging/targets helpers', () => {
  it('tomlVersion reads version from the right section only', () => {
    const cargo = '[package]\nname = "x"\nversion = "0.3.0"\n\n[dependencies]\nversion = "9"\n';
    assert.equal(tomlVersion(cargo, 'package'), '0.3.0');
    assert.equal(tomlVersion('[dependencies]\nversion = "9"\n[package]\nname="y"\n', 'package'), null);
    assert.equal(tomlVersion("[project]\nversion = '1.2'\n", 'project'), '1.2');
    assert.equal(tomlVersion(null, 'project'), null);
  });

  it('safeName gives one folder name for any target or version', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = safeName(s);
        assert.ok(n.length > 0);
        assert.ok(!n.includes('/') && !n.includes('\\') && !n.startsWith('.'));
      }),
    );
  });
});
