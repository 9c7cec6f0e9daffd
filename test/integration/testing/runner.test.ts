import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { spawn } from 'node:child_process';
import { ProcessTrees } from '../../../src/core/testing/processTree';
import { runSuite, type OutputStream } from '../../../src/core/testing/runner';
import type { TestSuite } from '../../../src/core/testing/suite';
import { alive } from '../../support/processes';

const ROOT = path.resolve(__dirname, '../../..');
const PROJECTS = path.join(ROOT, 'test/fixtures/testing/projects');
const MOCHA = path.join(ROOT, 'node_modules/.bin/mocha');
const NODE = process.execPath;

function suite(partial: Partial<TestSuite> & Pick<TestSuite, 'command' | 'cwd'>): TestSuite {
  return { name: 'fixture', kind: 'unit', ...partial };
}


/** Waits until the predicate holds, checking on each timer tick; fails after `ms`. */
async function eventually(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('testing/runner (real processes)', function () {
  this.timeout(30_000);
  let tmp: string;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-runner-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('node:test project: TAP on stdout, streamed output, failures at their source line', async () => {
    const cwd = path.join(PROJECTS, 'node-test');
    let streamed = '';
    const r = await runSuite(suite({ command: [NODE, '--test', '--test-reporter=tap', 'calc.test.mjs'], cwd, report: { format: 'tap' } }), {
      onOutput: (text) => (streamed += text),
    });
    assert.equal(r.reportError, undefined, r.reportError?.message);
    assert.equal(r.exitCode, 1);
    assert.ok(r.report);
    assert.deepEqual([r.report.passed, r.report.failed, r.report.skipped], [5, 3, 2]);
    assert.match(streamed, /^TAP version 13/m);
    const wrong = r.report.tests.find((t) => t.name === 'adds wrongly');
    assert.deepEqual(wrong?.location, { file: path.join(cwd, 'calc.test.mjs'), line: 13, column: 12 });
  });

  it('mocha project: json reporter on stdout, a string command split without a shell', async () => {
    const cwd = path.join(PROJECTS, 'mocha');
    const r = await runSuite(suite({ command: `"${MOCHA}" --reporter json`, cwd, report: { format: 'mocha-json' } }));
    assert.equal(r.reportError, undefined, r.reportError?.message);
    assert.ok(r.report);
    assert.deepEqual([r.report.passed, r.report.failed, r.report.skipped], [3, 3, 2]);
    assert.deepEqual(r.report.tests.find((t) => t.name === 'subtracts wrongly')?.location, { file: path.join(cwd, 'test/calc.spec.js'), line: 12, column: 12 });
    assert.equal(r.exitCode, 3);
  });

  describe('a shell script writing JUnit to a file', () => {
    let cwd: string;
    beforeEach(async () => {
      cwd = await fs.mkdtemp(path.join(tmp, 'junit-'));
      await fs.cp(path.join(PROJECTS, 'junit-script'), cwd, { recursive: true });
    });

    it('reads the report file, relative to cwd', async () => {
      const r = await runSuite(suite({ command: 'sh write-junit.sh', cwd, report: { format: 'junit', path: 'reports/junit.xml' } }));
      assert.equal(r.reportError, undefined, r.reportError?.message);
      assert.deepEqual([r.exitCode, r.report?.passed, r.report?.failed, r.report?.skipped], [1, 1, 1, 1]);
      assert.deepEqual(r.report?.tests[1].location, { file: path.join(cwd, 'checks.sh'), line: 7 });
      assert.match(r.outputTail, /running 3 tests/);
    });

    it('no report written after a non-zero exit → ReportMissing naming the exit code', async () => {
      const r = await runSuite(suite({ command: ['sh', 'write-junit.sh'], cwd, env: { MODE: 'none' }, report: { format: 'junit', path: 'reports/junit.xml' } }));
      assert.equal(r.exitCode, 2);
      assert.equal(r.report, null);
      assert.equal(r.reportError?.code, 'ReportMissing');
      assert.match(r.reportError?.message ?? '', /exited with code 2/);
      assert.match(r.outputTail, /crashed before writing/);
    });

    it('a truncated report → MalformedReport', async () => {
      const r = await runSuite(suite({ command: 'MODE=truncated sh write-junit.sh', cwd, report: { format: 'junit', path: 'reports/junit.xml' } }));
      assert.equal(r.reportError?.code, 'MalformedReport');
      assert.match(r.reportError?.message ?? '', /JUnit XML/);
    });

    it('a report left over from an earlier run is not taken for this one', async () => {
      await fs.mkdir(path.join(cwd, 'reports'));
      const old = path.join(cwd, 'reports/junit.xml');
      await fs.writeFile(old, '<testsuites/>');
      const past = new Date(Date.now() - 3600_000);
      await fs.utimes(old, past, past);
      const r = await runSuite(suite({ command: ['sh', 'write-junit.sh'], cwd, env: { MODE: 'none' }, report: { format: 'junit', path: 'reports/junit.xml' } }));
      assert.equal(r.reportError?.code, 'ReportStale');
      assert.match(r.reportError?.message ?? '', /not written by this run of "fixture".*exited with code 2/);
    });
  });

  it('command not found → CommandNotFound with the command name', async () => {
    await assert.rejects(
      runSuite(suite({ command: 'sdlc-no-such-command --flag', cwd: tmp })),
      (e: unknown) => e instanceof SdlcError && e.code === 'CommandNotFound' && e.message.includes('sdlc-no-such-command'),
    );
    await assert.rejects(runSuite(suite({ command: [NODE], cwd: path.join(tmp, 'missing') })), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidCwd');
    await assert.rejects(runSuite(suite({ command: 'npm test && rm -rf /', cwd: tmp })), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidCommand');
  });

  it('non-zero exit with nothing on stdout where the report should be → ReportMissing', async () => {
    const r = await runSuite(suite({ command: [NODE, '-e', 'console.error("boom"); process.exit(3)'], cwd: tmp, report: { format: 'tap' } }));
    assert.deepEqual([r.exitCode, r.report, r.reportError?.code], [3, null, 'ReportMissing']);
    assert.match(r.reportError?.message ?? '', /exit code 3/);
    const garbage = await runSuite(suite({ command: [NODE, '-e', 'console.log("Error: cannot find module"); process.exit(1)'], cwd: tmp, report: { format: 'mocha-json' } }));
    assert.equal(garbage.reportError?.code, 'ReportMissing');
    assert.match(garbage.reportError?.message ?? '', /exited with code 1 and printed no readable mocha-json report/);
  });

  it('no report configured: the exit code decides, no error', async () => {
    const r = await runSuite(suite({ command: [NODE, '-e', 'process.exit(0)'], cwd: tmp }));
    assert.deepEqual([r.exitCode, r.report, r.reportError, r.timedOut, r.cancelled], [0, null, undefined, false, false]);
  });

  it('timeout: stops the process and says so', async () => {
    const started = Date.now();
    const r = await runSuite(suite({ command: [NODE, '-e', 'setInterval(() => {}, 1000)'], cwd: tmp, timeoutMs: 300, report: { format: 'tap' } }));
    assert.equal(r.timedOut, true);
    assert.equal(r.reportError?.code, 'TimedOut');
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, 'SIGTERM');
    assert.ok(Date.now() - started < 5000);
  });

  for (const ignoreTerm of [false, true]) {
    it(`cancel kills the whole tree (child and sleeping grandchild)${ignoreTerm ? ', SIGKILL when SIGTERM is ignored' : ''}`, async () => {
      const controller = new AbortController();
      let pids: number[] = [];
      let out = '';
      const args = [path.join(PROJECTS, 'process-tree/spawn-tree.mjs'), ...(ignoreTerm ? ['--ignore-term'] : [])];
      const running = runSuite(suite({ command: [NODE, ...args], cwd: tmp, report: { format: 'tap' } }), {
        signal: controller.signal,
        killGraceMs: 300,
        onOutput: (text) => {
          out += text;
          const m = /pids (\d+) (\d+)/.exec(out);
          if (m && pids.length === 0) {
            pids = [Number(m[1]), Number(m[2])];
            controller.abort();
          }
        },
      });
      const r = await running;
      assert.equal(r.cancelled, true);
      assert.equal(r.report, null);
      assert.equal(r.reportError, undefined);
      assert.equal(pids.length, 2);
      await eventually(() => !alive(pids[0]) && !alive(pids[1]), 5000, `pids ${pids.join(', ')} to be gone`);
    });
  }

  for (const ignoreTerm of [false, true]) {
    it(`disposing the ProcessTrees (the extension deactivating) cancels the run and ends its whole tree${ignoreTerm ? ', SIGKILL when SIGTERM is ignored' : ''}`, async () => {
      const processes = new ProcessTrees(300);
      let pids: number[] = [];
      let out = '';
      let disposed: Promise<void> | undefined;
      const args = [path.join(PROJECTS, 'process-tree/spawn-tree.mjs'), ...(ignoreTerm ? ['--ignore-term'] : [])];
      const r = await runSuite(suite({ command: [NODE, ...args], cwd: tmp, report: { format: 'tap' } }), {
        processes,
        killGraceMs: 60_000, // the registry's own grace (300 ms) must do the SIGKILL, not the run's
        onOutput: (text) => {
          out += text;
          const m = /pids (\d+) (\d+)/.exec(out);
          if (m && pids.length === 0) {
            pids = [Number(m[1]), Number(m[2])];
            assert.equal(processes.size, 1);
            disposed = processes.dispose();
          }
        },
      });
      assert.equal(r.cancelled, true);
      assert.equal(pids.length, 2);
      await disposed;
      await eventually(() => !alive(pids[0]) && !alive(pids[1]), 5000, `pids ${pids.join(', ')} to be gone`);
      assert.equal(processes.size, 0);
    });
  }

  it('a run started after the ProcessTrees were disposed does not start', async () => {
    const processes = new ProcessTrees();
    await processes.dispose();
    const marker = path.join(tmp, 'started-after-dispose');
    const r = await runSuite(suite({ command: [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '1')`], cwd: tmp }), { processes });
    assert.equal(r.cancelled, true);
    await assert.rejects(fs.stat(marker));
  });

  it('when the process that started a suite exits without disposing anything, the exit hook ends the tree', async () => {
    const host = spawn(NODE, ['-r', 'tsx/cjs', path.join(PROJECTS, 'process-tree/host-exits.ts'), '--ignore-term'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    host.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => host.on('exit', (c) => resolve(c)));
    assert.equal(code, 0, out);
    const m = /pids (\d+) (\d+)/.exec(out);
    assert.ok(m, out);
    await eventually(() => !alive(Number(m[1])) && !alive(Number(m[2])), 5000, `pids ${m[1]}, ${m[2]} to be gone after the host exited`);
  });

  it('secrets in the output are redacted before listeners and the tail see them, also when split between chunks', async () => {
    const secret = 'sdlc-test-secret-9f8e7d6c5b4a';
    // Prints the secret in two writes (two chunks for the reader), and a GitHub-format token.
    const code = `process.stdout.write('value: ${secret.slice(0, 10)}'); setTimeout(() => { process.stdout.write('${secret.slice(10)} done\\n'); console.error('ghp_' + 'a'.repeat(36)); }, 50)`;
    let seen = '';
    const r = await runSuite(suite({ command: [NODE, '-e', code], cwd: tmp, env: { MY_SERVICE_TOKEN: secret } }), { onOutput: (text) => (seen += text) });
    assert.equal(r.exitCode, 0);
    assert.ok(!seen.includes(secret.slice(0, 10)) && !seen.includes(secret.slice(10)), seen);
    assert.ok(!r.outputTail.includes(secret.slice(10)) && !r.outputTail.includes('ghp_aaaa'), r.outputTail);
    assert.match(seen, /\*\*\* done/);
  });

  it('does not hang when a grandchild keeps stdout open after the command exits', async () => {
    const code = "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' }); console.log('left ' + c.pid); process.exit(0)";
    const started = Date.now();
    const r = await runSuite(suite({ command: [NODE, '-e', code], cwd: tmp }));
    const leftover = Number(/left (\d+)/.exec(r.outputTail)?.[1]);
    try {
      assert.equal(r.exitCode, 0);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      if (leftover) process.kill(leftover, 'SIGKILL');
    }
  });

  it('an already aborted signal does not start the command', async () => {
    const c = new AbortController();
    c.abort();
    const r = await runSuite(suite({ command: ['sdlc-no-such-command'], cwd: tmp }), { signal: c.signal });
    assert.equal(r.cancelled, true);
  });

  it('10 MB of output: streamed whole, multi-byte characters intact, report still parsed', async () => {
    const byStream: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
    let replacement = false;
    const started = Date.now();
    const r = await runSuite(
      suite({ command: [NODE, path.join(PROJECTS, 'process-tree/big-output.mjs')], cwd: tmp, env: { SIZE_MB: '10' }, report: { format: 'tap' } }),
      {
        onOutput: (text, stream) => {
          byStream[stream] += Buffer.byteLength(text);
          if (text.includes('\ufffd')) replacement = true;
        },
      },
    );
    const ms = Date.now() - started;
    assert.equal(r.reportError, undefined, r.reportError?.message);
    assert.equal(r.report?.passed, 1);
    assert.ok(byStream.stdout >= 10 * 1024 * 1024, `streamed ${byStream.stdout} bytes`);
    assert.equal(replacement, false, 'no character was split between chunks');
    assert.ok(r.outputTail.length <= 64 * 1024);
    console.log(`      10 MB of output run + parsed in ${ms} ms`);
  });

  it('stdout beyond the cap → OutputTooLarge, clearly', async () => {
    const r = await runSuite(suite({ command: [NODE, path.join(PROJECTS, 'process-tree/big-output.mjs')], cwd: tmp, env: { SIZE_MB: '2' }, report: { format: 'tap' } }), {
      maxReportOutputBytes: 1024 * 1024,
    });
    assert.equal(r.reportError?.code, 'OutputTooLarge');
    assert.match(r.reportError?.message ?? '', /more than 1 MB/);
  });
});
