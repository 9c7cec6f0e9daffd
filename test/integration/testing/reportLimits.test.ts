/**
 * Issue 8 #8: big reports in real processes with a small heap. Before, `sdlc test --report` on a
 * 200 MB JUnit file aborted with a V8 dump and a 255 KB artifact zip holding 250 MB of whitespace
 * killed the process importing it ("JavaScript heap out of memory"). JUnit is now streamed (memory
 * bounded by the result), and formats that must be held whole are refused with ReportTooLarge (exit 2).
 * The CLI runs from the sources (tsx), so what is tested is this tree, not an older dist/.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
/** Far below what the old parse needed for these inputs (gigabytes), well above what streaming needs. */
const HEAP_MB = 128;

function node(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--require', 'tsx/cjs', ...args], {
      cwd,
      env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', NODE_PATH: path.join(root, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function writeBig(file: string, head: string, fillMB: number, tail: string): Promise<void> {
  const out = createWriteStream(file);
  let failed: Error | undefined;
  out.on('error', (e) => (failed = e));
  const block = Buffer.alloc(1024 * 1024, ' ');
  const write = (b: Buffer | string) =>
    new Promise<void>((resolve, reject) => {
      if (failed) reject(failed);
      else if (out.write(b)) resolve();
      else out.once('drain', resolve);
    });
  await write(head);
  for (let i = 0; i < fillMB; i++) await write(block);
  await write(tail);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

describe('testing/report limits in a real process (issue 8 #8)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-report-limits-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it(`sdlc test --report on a 200 MB JUnit file (whitespace and captured output) with a ${HEAP_MB} MB heap: parsed, exit 1 for its failure`, async () => {
    const file = path.join(dir, 'big.xml');
    await writeBig(
      file,
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="big" tests="2" failures="1"><testcase name="passes"/><testcase name="fails"><failure message="boom">at x</failure><system-out>',
      200,
      '</system-out></testcase></testsuite></testsuites>\n',
    );
    assert.ok((await fs.stat(file)).size > 200 * 1024 * 1024);
    const r = await node([path.join(root, 'src', 'cli.ts'), 'test', '--report', file, '--json'], dir);
    assert.equal(r.code, 1, r.stderr.slice(0, 2000));
    const doc = JSON.parse(r.stdout) as { passed: number; failed: number; tests: Array<{ name: string; message?: string }> };
    assert.deepEqual([doc.passed, doc.failed], [1, 1]);
    assert.equal(doc.tests.find((t) => t.name === 'fails')?.message, 'boom');
  });

  it('sdlc test --report on a 200 MB mocha JSON or TAP file: ReportTooLarge, exit 2, a JSON error', async () => {
    for (const [name, format] of [['big.json', 'mocha-json'], ['big.tap', 'tap']] as const) {
      const file = path.join(dir, name);
      await fs.writeFile(file, '');
      await fs.truncate(file, 200 * 1024 * 1024);
      const r = await node([path.join(root, 'src', 'cli.ts'), 'test', '--report', file, '--format', format, '--json'], dir);
      assert.equal(r.code, 2, r.stderr.slice(0, 2000));
      const err = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'ReportTooLarge');
      assert.match(err.message, /200 MB; reports in this format are read up to 64 MB/);
    }
  });

  it(`a small zip holding 250 MB of whitespace inside <testsuite>: imported in a process with a ${HEAP_MB} MB heap`, async () => {
    const script = path.join(dir, 'importBomb.ts');
    await fs.writeFile(
      script,
      [
        `import { zipSync } from 'fflate';`,
        `import { importJUnitArtifact } from ${JSON.stringify(path.join(root, 'src/core/testing/ciImport'))};`,
        `const head = Buffer.from('<testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"><failure message="m"/></testcase>');`,
        `const tail = Buffer.from('</testsuite></testsuites>');`,
        `const body = Buffer.alloc(head.length + 250 * 1024 * 1024 + tail.length, ' ');`,
        `head.copy(body, 0); tail.copy(body, body.length - tail.length);`,
        `const zip = zipSync({ 'results/big.xml': body }, { level: 9 });`,
        `const r = importJUnitArtifact(zip, { run: { id: 1, attempt: 1, name: 'CI', branch: 'main', sha: 'x', htmlUrl: 'u', updatedAt: '2026-12-02T00:00:00Z' }, artifact: { id: 2, name: 'junit' } });`,
        `console.log(JSON.stringify({ zipBytes: zip.length, counts: r.record.counts }));`,
      ].join('\n'),
    );
    const r = await node([script], root);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    const out = JSON.parse(r.stdout) as { zipBytes: number; counts: { passed: number; failed: number } };
    assert.ok(out.zipBytes < 512 * 1024, `zip of ${out.zipBytes} bytes`);
    assert.deepEqual([out.counts.passed, out.counts.failed], [1, 1]);
  });
});
