import { strict as assert } from 'node:assert';
import { zipSync } from 'fflate';
import { SdlcError } from '../../../src/core/errors';
import { importJUnitArtifact, xmlFilesOfZip } from '../../../src/core/testing/ciImport';

const meta = {
  run: { id: 7, attempt: 1, name: 'CI', branch: 'main', sha: 'abc', htmlUrl: 'https://example.invalid/run/7', updatedAt: '2026-12-02T10:00:00Z' },
  artifact: { id: 9, name: 'test-results' },
};

function zip(files: Record<string, Uint8Array | string>, level: 0 | 9 = 9): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) entries[name] = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return zipSync(entries, { level });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SdlcError, String(e));
    return e.code;
  }
  return 'none';
}

describe('testing/ciImport', () => {
  it('ArtifactTooLarge is counted on the uncompressed size (issue 8 mutation): 2 MB of XML in a few KB of zip', () => {
    const xml = `<testsuite name="s">${' '.repeat(2 * 1024 * 1024)}</testsuite>`;
    const z = zip({ 'a.xml': xml });
    assert.ok(z.length < 64 * 1024, `the zip is small (${z.length} bytes)`);
    assert.equal(code(() => xmlFilesOfZip(z, 1024 * 1024)), 'ArtifactTooLarge');
    assert.equal(code(() => xmlFilesOfZip(z, 3 * 1024 * 1024)), 'none');
    // Several files add up.
    const two = zip({ 'a.xml': ' '.repeat(600 * 1024), 'b.xml': ' '.repeat(600 * 1024) });
    assert.equal(code(() => xmlFilesOfZip(two, 1024 * 1024)), 'ArtifactTooLarge');
    // Files that are not XML are not inflated, nor counted.
    assert.equal(code(() => xmlFilesOfZip(zip({ 'big.log': ' '.repeat(2 * 1024 * 1024), 'a.xml': '<testsuite/>' }), 1024 * 1024)), 'none');
  });

  it('imports reports in their own encodings, skips other XML, merges ids across files', () => {
    const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><testsuite name="s"><testcase name="caf\xe9"><failure message="m"/></testcase></testsuite>', 'latin1');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<testsuite name="s"><testcase name="ünï"/></testsuite>', 'utf16le')]);
    const r = importJUnitArtifact(zip({ 'latin.xml': latin, 'utf16.xml': utf16, 'coverage.xml': '<coverage line-rate="1"/>', 'dup.xml': '<testsuite name="s"><testcase name="café"/></testsuite>' }), meta);
    assert.deepEqual(r.files, ['dup.xml', 'latin.xml', 'utf16.xml']);
    assert.deepEqual(r.skipped, [{ file: 'coverage.xml', reason: 'not a JUnit report' }]);
    assert.deepEqual(r.report.tests.map((t) => t.name).sort(), ['café', 'café', 'ünï']);
    assert.equal(new Set(r.report.tests.map((t) => t.id)).size, 3);
    assert.deepEqual(r.record.counts, { passed: 2, failed: 1, skipped: 0 });
  });

  it('issue 8 #8: 16 MB of whitespace inside <testsuite> (a few KB zipped) imports with bounded memory', () => {
    const spaces = new Uint8Array(16 * 1024 * 1024).fill(0x20);
    const head = new TextEncoder().encode('<testsuites><testsuite name="s"><testcase name="a"/>');
    const tail = new TextEncoder().encode('</testsuite></testsuites>');
    const body = new Uint8Array(head.length + spaces.length + tail.length);
    body.set(head);
    body.set(spaces, head.length);
    body.set(tail, head.length + spaces.length);
    const z = zip({ 'big.xml': body });
    const before = process.memoryUsage().heapUsed;
    const r = importJUnitArtifact(z, meta);
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(r.report.passed, 1);
    // The bytes live outside the heap; the parse itself must not hold a 16 MB string (32 MB as UTF-16).
    assert.ok(grown < 24 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB`);
  });

  it('an artifact with no JUnit report says so, with why for each file', () => {
    assert.equal(code(() => importJUnitArtifact(zip({ 'a.xml': '<html/>' }), meta)), 'NoJUnitReports');
    assert.equal(code(() => importJUnitArtifact(new Uint8Array([1, 2, 3]), meta)), 'ArtifactUnreadable');
  });
});
