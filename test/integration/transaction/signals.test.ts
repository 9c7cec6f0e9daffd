/**
 * The release transaction under signals, crashes and concurrency, driven through real `sdlc bump`
 * child processes on real repositories:
 * - SIGINT / SIGTERM / SIGKILL at random points (a pre-commit hook holds the release at the commit
 *   step until the test lets it go): every run ends fully released or byte-for-byte untouched
 *   (after a `sdlc bump --recover` run for SIGKILL), with an audit entry once the release began;
 * - `kill -9` in the hook, then a plain `sdlc bump` that recovers and says so;
 * - 10 bumps at once: exactly one release, the others refused with "another release is running".
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { commit, git, initRepo, removeDir, tempDir } from '../cli/tempRepo';
import { finished, realCliPath, runCli, spawnCli, type Finished } from './realCli';

const PKG = (version: string) => `{\n  "name": "app",\n  "version": "${version}"\n}\n`;

/** Deterministic randomness (a failing run prints its seed). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `condition` until true or the deadline passes (no fixed sleeps). */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Everything the release may touch, to compare byte for byte. */
interface RepoState {
  files: Record<string, string>;
  index: string;
  head: string;
  tags: string;
  /** Files inside .git except objects, logs, the index, the audit log and what a commit/tag adds. */
  gitFiles: string[];
  auditLines: number;
}

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

function state(dir: string): RepoState {
  const files: Record<string, string> = {};
  for (const f of walk(dir).filter((f) => !f.startsWith('.git/'))) files[f] = readFileSync(path.join(dir, f)).toString('base64');
  const ignoredGit = /^(objects\/|logs\/|index$|ORIG_HEAD$|COMMIT_EDITMSG$|sdlc\/audit\.jsonl|refs\/tags\/v1\.5\.0$)/;
  const gitFiles = walk(path.join(dir, '.git')).filter((f) => !ignoredGit.test(f)).sort();
  const audit = path.join(dir, '.git', 'sdlc', 'audit.jsonl');
  return {
    files,
    index: git(dir, 'ls-files', '-s'),
    head: git(dir, 'rev-parse', 'HEAD'),
    tags: git(dir, 'tag', '--list'),
    gitFiles,
    auditLines: existsSync(audit) ? readFileSync(audit, 'utf8').trim().split('\n').filter(Boolean).length : 0,
  };
}

function auditEntries(dir: string): Array<{ action: string; result: string; after?: { action?: string } }> {
  const audit = path.join(dir, '.git', 'sdlc', 'audit.jsonl');
  return existsSync(audit) ? readFileSync(audit, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; result: string }) : [];
}

/** Released: HEAD is the release commit on top of `before`, tagged, files and index at 1.5.0, nothing stray. */
function assertReleased(dir: string, before: RepoState, label: string): void {
  const after = state(dir);
  assert.equal(git(dir, 'rev-parse', 'HEAD^'), before.head, `${label}: release commit on top`);
  assert.equal(git(dir, 'log', '-1', '--format=%s'), 'chore(release): v1.5.0', label);
  assert.equal(git(dir, 'rev-parse', 'v1.5.0^{commit}'), after.head, `${label}: tag on the commit`);
  assert.equal(readFileSync(path.join(dir, 'package.json'), 'utf8'), PKG('1.5.0'), label);
  assert.match(readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8'), /^# Changelog\n\n## 1\.5\.0/, label);
  assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all'), '', `${label}: clean tree and index`);
  assert.equal(git(dir, 'diff-index', '--cached', 'HEAD'), '', `${label}: index = HEAD`);
  assert.deepEqual(after.gitFiles, before.gitFiles, `${label}: nothing stray in .git`);
  assert.deepEqual(Object.keys(after.files).sort(), [...Object.keys(before.files), 'CHANGELOG.md'].sort(), label);
}

function assertUntouched(dir: string, before: RepoState, label: string): void {
  const after = state(dir);
  const { auditLines: _a, ...rest } = after;
  const { auditLines: _b, ...expected } = before;
  void _a;
  void _b;
  assert.deepEqual(rest, expected, `${label}: byte for byte as before`);
}

/** Live processes whose working folder is `dir` (Linux), with their command lines: who may hold a lock there. */
function processesIn(dir: string): string {
  if (process.platform !== 'linux') return '(not on Linux)';
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === dir) found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found.join('; ') || 'none';
}

const HOOK = (ctl: string) => `#!/bin/sh
touch "${ctl}/reached"
n=0
while [ ! -e "${ctl}/go" ]; do
  sleep 0.01
  n=$((n+1))
  [ $n -gt 2000 ] && exit 1
done
exit 0
`;

describe('transaction: signals, crashes and concurrency with a real sdlc bump', function () {
  // 30 child processes of ~1-5 s each on 2 shared cores (the loop prints its wall time).
  this.timeout(600_000);
  const dirs: string[] = [];
  let template: string;
  before(() => {
    realCliPath(); // build once (outside the timed runs) when dist/cli.js does not run
    template = tempDir('sdlc-txn-template-');
    initRepo(template);
    commit(template, 'package.json', PKG('1.4.2'), 'chore: release 1.4.2');
    git(template, 'tag', '-a', '-m', 'v1.4.2', 'v1.4.2');
    commit(template, 'src/search.ts', 'export {}\n', 'feat(search): fuzzy search');
    commit(template, 'src/crash.ts', 'export {}\n', 'fix: crash on empty input');
    git(template, 'status'); // the index's stat data is fresh before copies are made
  });
  after(() => {
    dirs.forEach(removeDir);
    if (template) removeDir(template);
  });

  /** A copy of the template with a pre-commit hook that waits for `<ctl>/go`. */
  function repoWithHook(): { dir: string; ctl: string } {
    const dir = tempDir('sdlc-txn-');
    dirs.push(dir);
    rmSync(dir, { recursive: true, force: true });
    cpSync(template, dir, { recursive: true, preserveTimestamps: true });
    const ctl = `${dir}.ctl`;
    mkdirSync(ctl);
    dirs.push(ctl);
    const hook = path.join(dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, HOOK(ctl));
    chmodSync(hook, 0o755);
    git(dir, 'status');
    return { dir, ctl };
  }

  it('SIGINT / SIGTERM / SIGKILL at random points, 30 runs: each ends fully released or byte-for-byte untouched, audited', async () => {
    const seed = Number(process.env.SDLC_SIGNAL_SEED ?? Date.now() % 100000);
    const random = prng(seed);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
    const outcomes: Record<string, number> = {};
    const started = Date.now();
    const runs = Number(process.env.SDLC_SIGNAL_RUNS ?? 30);
    for (let run = 0; run < runs; run++) {
      const { dir, ctl } = repoWithHook();
      const before = state(dir);
      const signal = signals[run % 3];
      const point = (['early', 'hook', 'after-hook'] as const)[Math.floor(random() * 3)];
      const label = `run ${run} (seed ${seed}, ${signal} ${point})`;
      const child = spawnCli(['bump', '--json', '--cwd', dir]);
      const done = finished(child);
      let exited = false;
      void done.then(() => (exited = true));
      const reached = () => existsSync(path.join(ctl, 'reached'));
      if (point === 'early') {
        const wait = random() * 400;
        await until(() => exited || reached() || false, wait, 'nothing').catch(() => undefined);
      } else {
        await until(() => exited || reached(), 30_000, `${label}: the hook`);
        if (point === 'after-hook') {
          writeFileSync(path.join(ctl, 'go'), '');
          // Up to ~1.5 s: some signals land in the tag / index steps, some after the release is done.
          const delay = Date.now() + random() * 1500;
          await until(() => exited || Date.now() > delay, 5_000, 'a moment');
        } else {
          const delay = Date.now() + random() * 40;
          await until(() => exited || Date.now() > delay, 5_000, 'a moment');
        }
      }
      child.kill(signal);
      writeFileSync(path.join(ctl, 'go'), '');
      const result: Finished = await done;
      const reachedHook = reached();
      // (How the run ended, for a failure's message: exit code or signal, and the end of its stderr.)
      let ended = `exit ${result.code ?? result.signal}, hook ${reachedHook ? 'reached' : 'not reached'}, stderr: ${result.stderr.slice(-2000)}`;
      if (signal === 'SIGKILL' || result.signal === signal) {
        // The next run finishes or undoes what the killed one left.
        const recover = await runCli(['bump', '--recover', '--json', '--cwd', dir]);
        assert.equal(recover.code, 0, `${label}: recovery ${recover.stderr}`);
        ended += `; recovered: ${recover.stdout.slice(-600)}`;
      }
      const s = state(dir);
      if (s.gitFiles.some((f) => f.endsWith('.lock') || f.includes('.lock/'))) ended += `; processes in the repository: ${processesIn(dir)}`;
      const released = s.head !== before.head;
      if (released) assertReleased(dir, before, `${label} [${ended}]`);
      else assertUntouched(dir, before, `${label} [${ended}]`);
      if (reachedHook) assert.ok(s.auditLines > before.auditLines, `${label}: audited (${JSON.stringify(auditEntries(dir))})`);
      if (result.code === 1) assert.match(result.stderr, /"code":"Cancelled"/, label);
      const key = `${signal} ${released ? 'released' : 'untouched'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const seconds = (Date.now() - started) / 1000;
    // Visible in the test output: how the runs ended and how long the loop took.
    console.log(`      ${runs} runs in ${seconds.toFixed(1)} s (seed ${seed}): ${JSON.stringify(outcomes)}`);
    assert.ok(Object.keys(outcomes).some((k) => k.endsWith('untouched')), 'some runs were rolled back');
    assert.equal(Object.values(outcomes).reduce((a, b) => a + b, 0), runs);
  });

  it('kill -9 while the commit hook runs, then a plain `sdlc bump` recovers (and says so), then releases', async () => {
    const { dir, ctl } = repoWithHook();
    const before = state(dir);
    const child = spawnCli(['bump', '--json', '--cwd', dir]);
    const done = finished(child);
    await until(() => existsSync(path.join(ctl, 'reached')), 30_000, 'the hook');
    child.kill('SIGKILL');
    await done;
    assert.ok(existsSync(path.join(dir, '.git', 'sdlc', 'journal.json')), 'the journal was left behind');
    assert.notEqual(git(dir, 'status', '--porcelain'), '', 'files were changed without a commit');

    // Dry run: reports the pending change, writes nothing.
    const snapshotBefore = walk(path.join(dir, '.git', 'sdlc')).sort();
    const dry = await runCli(['bump', '--dry-run', '--json', '--cwd', dir]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match((JSON.parse(dry.stdout) as { warnings: string[] }).warnings[0], /An interrupted release .* is pending/);
    assert.deepEqual(walk(path.join(dir, '.git', 'sdlc')).sort(), snapshotBefore);

    writeFileSync(path.join(ctl, 'go'), ''); // the orphaned git commit may go on: recovery waits for it
    const r = await runCli(['bump', '--json', '--cwd', dir]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { tag: string; commit: string; recovered: { action: string; message: string; journal: string } };
    assert.equal(doc.recovered.action, 'rolled-back');
    assert.match(doc.recovered.message, /^Recovered: the release interrupted at .* was rolled back/);
    assert.equal(doc.tag, 'v1.5.0');
    assert.equal(git(dir, 'rev-parse', 'HEAD^'), before.head, 'one release commit on top of the original HEAD');
    assertReleased(dir, before, 'after recovery');
    const entries = auditEntries(dir);
    assert.deepEqual(
      entries.map((e) => [e.action, e.result, e.after?.action]),
      [
        ['version.bump.recover', 'success', 'rolled-back'],
        ['version.bump', 'success', undefined],
      ],
    );
    const text = await runCli(['bump', '--recover', '--cwd', dir]);
    assert.equal(text.stdout.trim(), 'Nothing to recover: no change was interrupted in this repository.');
  });

  it('kill -9 after the tags exist (held in a post-index-change hook of the index step): the next run finishes the release', async () => {
    const { dir, ctl } = repoWithHook();
    writeFileSync(path.join(ctl, 'go'), ''); // the pre-commit hook lets the commit through
    const hook = path.join(dir, '.git', 'hooks', 'post-index-change');
    // Only the real index (the release's temporary index comes with GIT_INDEX_FILE set).
    writeFileSync(hook, `#!/bin/sh\n[ -n "$GIT_INDEX_FILE" ] && exit 0\ntouch "${ctl}/index-reached"\nn=0\nwhile [ ! -e "${ctl}/index-go" ]; do sleep 0.01; n=$((n+1)); [ $n -gt 2000 ] && exit 0; done\n`);
    chmodSync(hook, 0o755);
    const before = state(dir);
    const child = spawnCli(['bump', '--json', '--cwd', dir]);
    const done = finished(child);
    await until(() => existsSync(path.join(ctl, 'index-reached')), 60_000, 'the index step');
    child.kill('SIGKILL');
    await done;
    writeFileSync(path.join(ctl, 'index-go'), '');
    assert.equal(git(dir, 'rev-parse', 'v1.5.0^{commit}'), git(dir, 'rev-parse', 'HEAD'), 'the tag exists');
    const r = await runCli(['bump', '--recover', '--json', '--cwd', dir]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { recovered: { action: string; message: string } };
    assert.equal(doc.recovered.action, 'completed');
    assert.match(doc.recovered.message, /had created its commit and tags, so it was finished/);
    assertReleased(dir, before, 'completed by recovery');
    assert.deepEqual(auditEntries(dir).map((e) => [e.action, e.result, e.after?.action]), [['version.bump.recover', 'success', 'completed']]);
  });

  it('10 bumps at once: exactly one release, a clean tree, the others refused with "another release is running"', async () => {
    const { dir, ctl } = repoWithHook();
    const before = state(dir);
    const children = Array.from({ length: 10 }, () => spawnCli(['bump', '--json', '--cwd', dir]));
    const results: Array<Finished | null> = children.map(() => null);
    children.forEach((c, i) => void finished(c).then((r) => (results[i] = r)));
    // The winner waits in the hook until the nine others have been refused.
    await until(() => results.filter(Boolean).length === 9, 60_000, 'nine refusals');
    writeFileSync(path.join(ctl, 'go'), '');
    await until(() => results.every(Boolean), 30_000, 'the winner');
    const done = results as Finished[];
    const winners = done.filter((r) => r.code === 0);
    assert.equal(winners.length, 1, done.map((r) => r.stderr).join('\n'));
    for (const r of done.filter((x) => x.code !== 0)) {
      assert.equal(r.code, 1);
      const error = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'ChangeInProgress');
      assert.match(error.message, /^Another release is running on this repository \(pid \d+, started \d{4}-.*\); only one change runs at a time/);
    }
    assertReleased(dir, before, 'concurrent');
    assert.equal(git(dir, 'tag', '--list', 'v1.5.*'), 'v1.5.0');
    const refused = auditEntries(dir).filter((e) => e.result === 'failure');
    assert.equal(refused.length, 9, 'every refusal is audited');
  });
});
