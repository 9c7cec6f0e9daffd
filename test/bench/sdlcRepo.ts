/**
 * (b) The full `sdlc repo --json` (every branch's ahead/behind) against the way most tools get
 * ahead/behind: `git for-each-ref --format='%(refname:short) %(upstream:track)' refs/heads`, which walks
 * history once per branch (≈17 s here, so it runs once). Target: ≥ 10× faster.
 *
 * Correctness: our ahead/behind must equal git's — checked on every branch against the
 * `%(upstream:track)` output (which the baseline produces anyway) and on a sample of 50 branches with
 * `git rev-list --left-right --count b...upstream`. A mismatch is a BenchCorrectnessError (exit 1).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RepoSnapshot } from '../../src/core/git/git';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, fmtTimes, git, median, run, timeRuns } from './context';
import { loadCreateGit } from './repoSnapshot';

interface Track {
  ahead: number;
  behind: number;
  gone: boolean;
}

/** `[ahead 2, behind 1]`, `[gone]`, or empty (in sync / no upstream). */
export function parseTrack(output: string): Map<string, Track> {
  const out = new Map<string, Track>();
  for (const line of output.split('\n')) {
    if (!line) continue;
    const sp = line.indexOf(' ');
    const name = sp < 0 ? line : line.slice(0, sp);
    const track = sp < 0 ? '' : line.slice(sp + 1);
    out.set(name, {
      ahead: Number(/ahead (\d+)/.exec(track)?.[1] ?? 0),
      behind: Number(/behind (\d+)/.exec(track)?.[1] ?? 0),
      gone: track.includes('gone'),
    });
  }
  return out;
}

export const sdlcRepo: BenchModule = {
  name: 'sdlc repo --json (all ahead/behind)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const root = ctx.repoRoot;
    const cli = path.join(ctx.projectRoot, 'dist', 'cli.js');
    const measurement = 'sdlc repo --json (all branches)';
    const rows: Row[] = [];

    // The slow path, once.
    const t0 = performance.now();
    const trackOut = await git(root, ['for-each-ref', '--format=%(refname:short) %(upstream:track)', 'refs/heads']);
    const slow = performance.now() - t0;
    const track = parseTrack(trackOut);
    ctx.log(`for-each-ref %(upstream:track) over ${track.size} branches (once): ${fmtMs(slow)}`);

    // In-process snapshot with every ahead/behind (no Node start-up), for context.
    const createGit = loadCreateGit();
    if (typeof createGit !== 'string') {
      const times = await timeRuns(() => createGit(root).snapshot({ aheadBehind: 'all' }), ctx.repeats, true);
      ctx.log(`  createGit().snapshot({ aheadBehind: 'all' }) in process: ${fmtTimes(times)} → median ${fmtMs(median(times))}`);
      rows.push({ measurement: "snapshot({ aheadBehind: 'all' }) in process", ours: fmtMs(median(times)), baseline: fmtMs(slow), ratio: fmtRatio(slow / median(times)) + ' faster', target: '(info)', status: 'INFO' });
    }

    if (!existsSync(cli)) {
      rows.unshift({ measurement, ours: '—', baseline: fmtMs(slow), ratio: '', target: '≥ 10× faster', status: 'SKIP', note: `${path.relative(ctx.projectRoot, cli)} missing (build failed?)` });
      return rows;
    }
    let stdout = '';
    const sdlc = async () => {
      stdout = await run(process.execPath, [cli, 'repo', '--json', '--cwd', root], { cwd: ctx.projectRoot });
    };
    const times = await timeRuns(sdlc, ctx.repeats, true);
    const ours = median(times);
    ctx.log(`  node dist/cli.js repo --json --cwd <repo>: ${fmtTimes(times)} → median ${fmtMs(ours)}`);

    const snapshot = JSON.parse(stdout) as RepoSnapshot;
    verify(ctx, snapshot, track);
    const ratio = slow / ours;
    rows.unshift({ measurement, ours: fmtMs(ours), baseline: `${fmtMs(slow)} (upstream:track)`, ratio: `${fmtRatio(ratio)} faster`, target: '≥ 10× faster', status: ratio >= 10 ? 'PASS' : 'MISS' });
    await verifySample(ctx, snapshot, track);
    return rows;
  },
};

function verify(ctx: BenchContext, snapshot: RepoSnapshot, track: Map<string, Track>): void {
  const problems: string[] = [];
  if (snapshot.branches.length !== track.size) problems.push(`${snapshot.branches.length} branches in the JSON, git has ${track.size}`);
  let checked = 0;
  for (const b of snapshot.branches) {
    const t = track.get(b.name);
    if (!t) {
      problems.push(`${b.name}: not a branch according to git`);
      continue;
    }
    const want = t.gone ? { ahead: 0, behind: 0 } : t;
    if (b.ahead !== want.ahead || b.behind !== want.behind) problems.push(`${b.name}: ours ↑${b.ahead} ↓${b.behind}, git ↑${want.ahead} ↓${want.behind}${t.gone ? ' (gone)' : ''}`);
    checked++;
  }
  if (problems.length) throw new BenchCorrectnessError(`ahead/behind differs from git's %(upstream:track):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … ${problems.length - 20} more` : ''}`);
  ctx.log(`  ahead/behind of all ${checked} branches equals git's %(upstream:track)`);
}

/** 50 branches with an upstream that exists: the 10 furthest behind, then evenly spread. */
async function verifySample(ctx: BenchContext, snapshot: RepoSnapshot, track: Map<string, Track>): Promise<void> {
  const candidates = snapshot.branches.filter((b) => b.upstream && !track.get(b.name)?.gone);
  const furthest = [...candidates].sort((a, b) => b.behind - a.behind).slice(0, 10);
  const sample = new Set(furthest);
  for (let i = 0; sample.size < Math.min(50, candidates.length); i++) sample.add(candidates[Math.floor((i * candidates.length) / 40) % candidates.length]);
  const problems: string[] = [];
  for (const b of sample) {
    const out = await git(ctx.repoRoot, ['rev-list', '--left-right', '--count', `refs/heads/${b.name}...${b.upstream}`]);
    const [ahead, behind] = out.trim().split(/\s+/).map(Number);
    if (ahead !== b.ahead || behind !== b.behind) problems.push(`${b.name}: ours ↑${b.ahead} ↓${b.behind}, rev-list ↑${ahead} ↓${behind}`);
  }
  if (problems.length || sample.size < 50) throw new BenchCorrectnessError(`ahead/behind check on ${sample.size} branches failed:\n  ${problems.join('\n  ')}`);
  const current = snapshot.branches.find((b) => b.current);
  ctx.log(`ahead/behind verified on ${sample.size} branches (largest behind ${furthest[0]?.behind ?? 0}; current ${current?.name} ↑${snapshot.ahead} ↓${snapshot.behind})`);
}
