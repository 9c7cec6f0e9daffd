import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { appendRun, createRunRecord, flaky, loadHistory, regressions, type TestRunRecord } from '../../../src/core/testing/history';
import { ReportBuilder, type TestStatus } from '../../../src/core/testing/model';
import { STALE_REPORT_SLACK_MS, isStale, readReportFile } from '../../../src/core/testing/parse';

let clock = Date.UTC(2025, 0, 1);

/** A run of `suite` on `commit` with the given outcomes. */
function run(suite: string, commit: string, outcomes: Record<string, TestStatus>): TestRunRecord {
  const b = new ReportBuilder();
  for (const [name, status] of Object.entries(outcomes)) b.add({ suite: [], name, status, ...(status === 'failed' ? { message: `${name} broke`, location: { file: '/r/a.ts', line: 3 } } : {}) });
  clock += 60_000;
  return createRunRecord(b.build(10), { suite, kind: 'unit', branch: 'main', commit, time: new Date(clock) });
}

describe('testing/history', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-history-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('records a run from a report: counts, failed tests with location, every outcome', () => {
    const r = run('unit', 'c1', { a: 'passed', b: 'failed', c: 'skipped' });
    assert.deepEqual(r.counts, { passed: 1, failed: 1, skipped: 1 });
    assert.deepEqual(r.failed, [{ id: '::::b', name: 'b', message: 'b broke', location: { file: '/r/a.ts', line: 3 } }]);
    assert.deepEqual({ ...r.results }, { '::::a': 'passed', '::::b': 'failed', '::::c': 'skipped' });
    assert.equal(r.source, 'local');
    assert.match(r.time, /^2025-/);
  });

  it('keeps the report\'s warnings (at most 20) with the run, and they survive the file; malformed ones drop the record', async () => {
    const report = new ReportBuilder().build(1);
    const warned = createRunRecord({ ...report, warnings: Array.from({ length: 25 }, (_, i) => `the plan promised ${i + 6}, 5 reported`) }, { suite: 'tap', kind: 'unit', branch: 'main', commit: 'c', time: new Date(clock) });
    assert.equal(warned.warnings?.length, 20);
    assert.equal(warned.warnings?.[0], 'the plan promised 6, 5 reported');
    assert.equal(createRunRecord(report, { suite: 'tap', kind: 'unit', branch: 'main', commit: 'c' }).warnings, undefined);
    const file = path.join(dir, 'history.json');
    await appendRun(file, warned);
    assert.deepEqual((await loadHistory(file))[0].warnings, warned.warnings);
    await fs.writeFile(file, JSON.stringify({ version: 1, runs: [{ ...warned, warnings: 'not a list' }, { ...warned, id: 'ok', warnings: undefined }] }));
    assert.deepEqual((await loadHistory(file)).map((r) => r.id), ['ok']);
  });

  it('keeps the newest 50 runs (or the limit) in a JSON file, written atomically', async () => {
    const file = path.join(dir, 'nested', 'history.json');
    assert.deepEqual(await loadHistory(file), []);
    for (let i = 0; i < 55; i++) await appendRun(file, run('unit', `c${i}`, { a: 'passed' }));
    const runs = await loadHistory(file);
    assert.equal(runs.length, 50);
    assert.equal(runs[runs.length - 1].commit, 'c54');
    assert.equal(runs[0].commit, 'c5');
    assert.equal((await appendRun(file, run('unit', 'x', {}), { limit: 3 })).length, 3);
    const left = (await fs.readdir(path.join(dir, 'nested'))).filter((f) => f !== 'history.json');
    assert.deepEqual(left, [], 'no temp or lock files are left behind');
  });

  it('serializes concurrent appends: none is lost', async () => {
    const file = path.join(dir, 'history.json');
    await Promise.all(Array.from({ length: 8 }, (_, i) => appendRun(file, run('unit', `c${i}`, { a: 'passed' }))));
    assert.equal((await loadHistory(file)).length, 8);
  });

  it('moves a corrupt history aside and starts again; skips malformed records', async () => {
    const file = path.join(dir, 'history.json');
    await fs.writeFile(file, '{"runs": [');
    await assert.rejects(loadHistory(file), (e: unknown) => e instanceof SdlcError && e.code === 'HistoryCorrupt');
    await appendRun(file, run('unit', 'c1', { a: 'passed' }));
    assert.equal((await loadHistory(file)).length, 1);
    assert.equal((await fs.readdir(dir)).filter((f) => f.startsWith('history.json.corrupt-')).length, 1);
    const good = run('unit', 'c2', {});
    await fs.writeFile(file, JSON.stringify({ version: 1, runs: [{ id: 1 }, good, null] }));
    assert.deepEqual((await loadHistory(file)).map((r) => r.id), [good.id]);
  });

  it('regressions: failed now, passed in the previous run of the same suite', () => {
    const history = [
      run('unit', 'c1', { a: 'passed', b: 'passed', c: 'failed', d: 'skipped' }),
      run('api', 'c1', { a: 'passed' }),
      run('unit', 'c2', { a: 'failed', b: 'passed', c: 'failed', d: 'failed', e: 'failed' }),
      run('api', 'c2', { a: 'failed' }),
    ];
    assert.deepEqual(regressions(history, 'unit').map((f) => f.name), ['a']);
    assert.deepEqual(regressions(history, 'api').map((f) => f.name), ['a']);
    assert.deepEqual(regressions(history.slice(0, 1), 'unit'), []);
    assert.deepEqual(regressions(history, 'nope'), []);
  });

  it('flaky: outcome changed at least twice in the last 10 runs on the same commit', () => {
    const history = [
      run('unit', 'c1', { f: 'passed', s: 'passed', fixed: 'failed' }),
      run('unit', 'c1', { f: 'failed', s: 'passed', fixed: 'failed' }),
      run('unit', 'c1', { f: 'passed', s: 'passed', fixed: 'failed' }),
      // A new commit: the change of `fixed` may be the fix, it does not count.
      run('unit', 'c2', { f: 'passed', s: 'passed', fixed: 'passed' }),
      run('unit', 'c3', { f: 'passed', s: 'failed', fixed: 'failed' }),
      run('unit', 'c4', { f: 'passed', s: 'passed', fixed: 'passed' }),
    ];
    const found = flaky(history, { window: 10 });
    assert.deepEqual(found, [{ suite: 'unit', id: '::::f', name: 'f', flips: 2, lastStatus: 'passed' }]);
    // Outside the window, it is forgotten.
    const later = [...history, ...Array.from({ length: 9 }, () => run('unit', 'c9', { f: 'passed' }))];
    assert.deepEqual(flaky(later, { window: 10 }), []);
    // Skips do not count as a change.
    assert.deepEqual(flaky([run('u', 'c', { t: 'passed' }), run('u', 'c', { t: 'skipped' }), run('u', 'c', { t: 'passed' })]), []);
  });

  it('flaky window boundary (issue 8 mutation): flips within exactly the last N runs count, one run earlier does not', () => {
    const seq = (outcomes: TestStatus[]) => outcomes.map((t) => run('w', 'c', { t }));
    // Exactly N = 3 runs holding 2 flips: flaky.
    assert.deepEqual(flaky(seq(['failed', 'passed', 'failed']), { window: 3 }).map((f) => f.flips), [2]);
    // N + 1 runs: the first flip falls out of the window, 1 flip is left: not flaky.
    assert.deepEqual(flaky(seq(['failed', 'passed', 'failed', 'failed']), { window: 3 }), []);
    // The same N + 1 runs with a window of N + 1: both flips count again.
    assert.deepEqual(flaky(seq(['failed', 'passed', 'failed', 'failed']), { window: 4 }).map((f) => f.flips), [2]);
    // minFlips boundary: exactly minFlips is flaky, one fewer is not.
    assert.equal(flaky(seq(['passed', 'failed', 'passed']), { window: 10, minFlips: 2 }).length, 1);
    assert.equal(flaky(seq(['passed', 'failed', 'passed']), { window: 10, minFlips: 3 }).length, 0);
  });

  it('a report 5 minutes older than the run is stale (issue 8 mutation); one written during the run is not', async () => {
    const file = path.join(dir, 'report.xml');
    await fs.writeFile(file, '<testsuite name="s"><testcase name="a"/></testsuite>');
    const started = Date.now();
    await fs.utimes(file, new Date(started - 5 * 60_000), new Date(started - 5 * 60_000));
    await assert.rejects(readReportFile(file, 'junit', { notBefore: started, owner: 'the suite "unit"' }), (e: unknown) => {
      assert.ok(e instanceof SdlcError && e.code === 'ReportStale', String(e));
      assert.match(e.message, /was not written by this run of the suite "unit"/);
      return true;
    });
    assert.equal(isStale(started - 5 * 60_000, started), true);
    // Within the slack that file systems and clocks need: fresh.
    await fs.utimes(file, new Date(started - STALE_REPORT_SLACK_MS / 2), new Date(started - STALE_REPORT_SLACK_MS / 2));
    assert.equal((await readReportFile(file, 'junit', { notBefore: started })).passed, 1);
    assert.equal(isStale(started - STALE_REPORT_SLACK_MS - 1, started), true);
    assert.equal(isStale(started - STALE_REPORT_SLACK_MS, started), false);
  });
});
