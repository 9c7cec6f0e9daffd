/**
 * Every branch's ahead/behind on three history shapes, each against git's
 * `for-each-ref --format='%(refname:short) %(upstream:track)' refs/heads` in the same run
 * (target ≥ 10× faster, whole `node dist/cli.js repo --json` process against the git process):
 * - today's repository (`.bench-cache/repo-50k`, see repo50k.ts);
 * - `linear`: one line of 50,000 commits, branches up to 40,000 commits behind / ahead (shapes.ts);
 * - `merges`: a merge every few commits, overlapping topics, branches of branches, criss-cross (shapes.ts).
 *
 * Where the time goes, in process: the git reads the snapshot runs (side by side; the longest is the
 * graph), the graph (parse + segments + dominators), the count of every pair, and JSON.stringify.
 * Correctness: every branch's numbers equal git's `%(upstream:track)` (else BenchCorrectnessError).
 * `--shapes=linear,merge,today` runs only the shapes whose label contains one of the words.
 * Ours is timed cold once (caches removed: the graph and every tag object are read whole) and then
 * as the median of runs with the caches that run wrote (.git/sdlc/graph-cache-v1: only new commits
 * are read; .git/sdlc/tags-v3: no tag object is read while the tags name the same objects;
 * .git/sdlc/counts-v1: pairs counted before are not counted again, and no graph is opened when all were;
 * .git/sdlc/config-v1: no `git config` process while the configuration's files are unchanged).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AheadBehindCounter, parseCommitGraph, unpackCounter } from '../../src/core/git/aheadBehind';
import { createGit } from '../../src/core/git/simpleGitAdapter';
import type { RepoSnapshot } from '../../src/core/git/git';
import { BRANCH_REFS_FORMAT, SNAPSHOT_CONFIG_ARGS } from '../../src/core/git/snapshotParsers';
import { localRepositoryFacts } from '../../src/core/git/discovery';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, fmtTimes, git, median, run, timeInterleaved } from './context';
import { recordingLogger } from './repoSnapshot';
import { ensureShapeRepo } from './shapes';
import { parseTrack } from './sdlcRepo';

export const aheadBehindShapes: BenchModule = {
  name: 'ahead/behind on three history shapes',
  async run(ctx: BenchContext): Promise<Row[]> {
    const cli = path.join(ctx.projectRoot, 'dist', 'cli.js');
    const shapes: Array<[string, () => Promise<string>]> = [
      ["today's repository", () => Promise.resolve(ctx.repoRoot)],
      ['linear, divergences up to 40,000', () => ensureShapeRepo(ctx.cacheDir, 'linear', ctx.log)],
      ['merge-heavy, branches of branches', () => ensureShapeRepo(ctx.cacheDir, 'merges', ctx.log)],
    ];
    // --shapes=linear,merge runs only the shapes whose label contains one of the words.
    const only = process.argv.find((a) => a.startsWith('--shapes='))?.slice('--shapes='.length).split(',').filter(Boolean);
    const rows: Row[] = [];
    for (const [label, ensure] of shapes) {
      if (only && !only.some((o) => label.includes(o))) continue;
      const root = await ensure();
      const measurement = `all ahead/behind: ${label}`;
      ctx.log(`-- ${label} (${root})`);
      let trackOut = '';
      const gitTrack = async () => {
        trackOut = await git(root, ['for-each-ref', '--format=%(refname:short) %(upstream:track)', 'refs/heads']);
      };
      if (!existsSync(cli)) {
        await gitTrack();
        rows.push({ measurement, ours: '—', baseline: '', ratio: '', target: '≥ 10× faster', status: 'SKIP', note: 'dist/cli.js missing' });
        continue;
      }
      let stdout = '';
      const sdlc = async () => {
        stdout = await run(process.execPath, [cli, 'repo', '--json', '--cwd', root], { cwd: ctx.projectRoot });
      };
      // The floor of a node tool that asks git: a node process that runs git's reads of what the snapshot
      // needs side by side and does nothing else (no bundle, no parsing, no count). Its ratio is the best
      // such a CLI could show (ours reads the refs' files and keeps the configuration, so it may pass it).
      const floor = () => run(process.execPath, ['-e', FLOOR_SCRIPT, JSON.stringify(SNAPSHOT_READS)], { cwd: root });
      // Cold: no caches (the first snapshot of a repository reads the whole graph and every tag object, and writes them).
      for (const file of ['graph-cache-v1', 'graph-cache-v1.prepared', 'tags-v3', 'counts-v1', 'config-v1']) rmSync(path.join(root, '.git', 'sdlc', file), { force: true });
      const c0 = performance.now();
      await sdlc();
      const cold = performance.now() - c0;
      const coldOut = stdout;
      // git, ours and the floor interleaved (load on the shared machine hits them alike; git's own
      // time varies by 2× from run to run here), medians.
      const timed = await timeInterleaved({ git: gitTrack, sdlc, floor }, ctx.repeats);
      const slow = median(timed.git);
      const track = parseTrack(trackOut);
      const times = timed.sdlc;
      const ours = median(times);
      const floorMs = median(timed.floor);
      ctx.log(`  git for-each-ref %(upstream:track), ${track.size} branches: ${fmtTimes(timed.git)} → median ${fmtMs(slow)}`);
      ctx.log(`  node dist/cli.js repo --json: cold (no caches) ${fmtMs(cold)}; with the caches ${fmtTimes(times)} → median ${fmtMs(ours)}`);
      ctx.log(`  floor (node + git's ${SNAPSHOT_READS.length} reads of what the snapshot needs, side by side: status, refs, configuration; no other work): ${fmtTimes(timed.floor)} → median ${fmtMs(floorMs)}, i.e. ${fmtRatio(slow / floorMs)} for a node CLI that asks git for all of it`);
      verify(`${label} (cold)`, JSON.parse(coldOut) as RepoSnapshot, track);
      verify(label, JSON.parse(stdout) as RepoSnapshot, track);
      ctx.log(`  every branch equals git's %(upstream:track)`);
      const split = await breakdown(root);
      ctx.log(`  where the time goes (in process): ${split.text}`);
      const ratio = slow / ours;
      rows.push({
        measurement: `${measurement} (cold, no caches)`,
        ours: fmtMs(cold),
        baseline: `${fmtMs(slow)} (upstream:track)`,
        ratio: `${fmtRatio(slow / cold)} faster`,
        target: '(info)',
        status: 'INFO',
      });
      rows.push({
        measurement,
        ours: fmtMs(ours),
        baseline: `${fmtMs(slow)} (upstream:track)`,
        ratio: `${fmtRatio(ratio)} faster`,
        target: '≥ 10× faster',
        status: ratio >= 10 ? 'PASS' : 'MISS',
        note: `${split.text}; floor of a node process asking git for the same ${fmtMs(floorMs)} (${fmtRatio(slow / floorMs)})`,
      });
    }
    return rows;
  },
};

/**
 * The git reads of `snapshot({ aheadBehind: 'all' })` with its caches, at a root whose `.git` says
 * what discovery would (localRepositoryFacts: no rev-parse), as the CLI runs it (simpleGitAdapter.ts):
 * the refs come from the git dir's files (refFiles) and the configuration from its cache while its
 * files are unchanged (configCache), so the floor reads them with git as well (`for-each-ref` of
 * BRANCH_REFS_FORMAT and SNAPSHOT_CONFIG_ARGS: what git would have to run instead).
 */
const SNAPSHOT_READS: readonly (readonly string[])[] = [
  ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'],
  ['for-each-ref', `--format=${BRANCH_REFS_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags'],
  SNAPSHOT_CONFIG_ARGS,
];
/** Runs the git reads given as JSON in argv side by side, and exits. */
const FLOOR_SCRIPT = `const { execFile } = require('node:child_process');
const git = (args) => new Promise((resolve, reject) => execFile('git', args, { maxBuffer: 1 << 30 }, (e, out) => (e && e.code !== 1 ? reject(e) : resolve(out))));
Promise.all(JSON.parse(process.argv[1]).map(git)).catch((e) => { console.error(e); process.exit(1); });`;

function verify(label: string, snapshot: RepoSnapshot, track: Map<string, { ahead: number; behind: number; gone: boolean }>): void {
  const problems: string[] = [];
  if (snapshot.branches.length !== track.size) problems.push(`${snapshot.branches.length} branches in the JSON, git has ${track.size}`);
  for (const b of snapshot.branches) {
    const t = track.get(b.name);
    const want = !t || t.gone ? { ahead: 0, behind: 0 } : t;
    if (b.ahead !== want.ahead || b.behind !== want.behind) problems.push(`${b.name}: ours ↑${b.ahead} ↓${b.behind}, git ↑${want.ahead} ↓${want.behind}`);
  }
  if (problems.length) throw new BenchCorrectnessError(`${label}: ahead/behind differs from git's:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** One in-process snapshot, split: git reads (as logged), graph, count, JSON. */
async function breakdown(root: string): Promise<{ text: string }> {
  const lines: string[] = [];
  const t0 = performance.now();
  // (As the CLI at a root: discovery's facts from the .git folder, no rev-parse.)
  const facts = localRepositoryFacts(root);
  const snapshot = await createGit(root, { logger: recordingLogger(lines), ...(facts ? { discovered: facts } : {}) }).snapshot({ aheadBehind: 'all' });
  const total = performance.now() - t0;
  const ms = (l: string) => Number(/\[(\d+)ms\]/.exec(l)?.[1] ?? 0);
  const reads = lines.map(ms);
  const graphRead = ms(lines.find((l) => l.includes('rev-list')) ?? '');
  // The same graph, parsed and counted again on its own for the split.
  const revList = await git(root, ['rev-list', '--parents', '--branches', '--remotes']);
  const t1 = performance.now();
  const graph = parseCommitGraph(revList);
  const t2 = performance.now();
  const counter = new AheadBehindCounter(graph);
  const t3 = performance.now();
  const remote = new Map(snapshot.remoteBranches.map((b) => [b.name, b.sha]));
  let work = 0;
  let pairs = 0;
  for (const b of snapshot.branches) {
    const up = b.upstream ? remote.get(b.upstream) : undefined;
    if (!up || up === b.sha) continue;
    counter.count(b.sha, up);
    work += counter.lastWork;
    pairs++;
  }
  const t4 = performance.now();
  JSON.stringify(snapshot);
  const t5 = performance.now();
  // What a warm snapshot does instead of parse + segments/dominators: read and unpack the prepared image.
  const imageFile = path.join(root, '.git', 'sdlc', 'graph-cache-v1.prepared');
  const t6 = performance.now();
  const image = existsSync(imageFile) ? unpackCounter(readFileSync(imageFile)) : null;
  const t7 = performance.now();
  const text =
    `snapshot ${fmtMs(total)}: ${reads.length === 1 ? '1 git read' : `${reads.length} git reads side by side`} (longest ${fmtMs(Math.max(...reads))}, the graph ${fmtMs(graphRead)}, ` +
    `${graph.generation.length} commits); graph parse ${fmtMs(t2 - t1)} + segments/dominators ${fmtMs(t3 - t2)} ` +
    `(${counter.segments.length.length} segments, jumps ${counter.jumps ? 'on' : 'off'}), ` +
    `or from the prepared image ${image ? fmtMs(t7 - t6) : '(none)'}; count ${pairs} pairs ${fmtMs(t4 - t3)} (${work} segments); JSON ${fmtMs(t5 - t4)}`;
  return { text };
}
