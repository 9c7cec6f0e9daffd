/**
 * History shapes for the ahead/behind benchmark (and, small, for the integration test against git):
 * one `git fast-import` stream each, commits that change no file (the graph is what matters), a
 * branch `feature/N` per pair tracking `origin/feature/N`. Deterministic (seeded).
 *
 * - `linear`: one line of `commits` commits (no merge at all); half of the branches sit far from
 *   their upstream on it — behind, ahead, or both with commits of their own — by 100 to `maxDistance`
 *   (40,000) commits, log-uniformly; the rest within a few commits. The shape stale local branches have.
 * - `merges`: a main line where every 2–4 commits a topic of 1–3 commits is merged, topics forking up
 *   to 30 commits back (overlapping bubbles) and now and then off another topic (branches of
 *   branches); feature branches fork off main or off another feature branch; upstreams that merged a
 *   later main ("update branch"), local branches that merged a later main, criss-cross merges of a
 *   branch and its upstream, and small divergences.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { git, mulberry32 } from './context';

export type ShapeName = 'linear' | 'merges';

export interface ShapeOptions {
  commits: number;
  branches: number;
  /** linear: the longest divergence */
  maxDistance: number;
  seed?: number;
}

export const SHAPE_GENERATOR_VERSION = 1;

export const BENCH_SHAPES: Record<ShapeName, ShapeOptions> = {
  linear: { commits: 50_000, branches: 5_000, maxDistance: 40_000 },
  merges: { commits: 50_000, branches: 5_000, maxDistance: 3_000 },
};

/** Builds (or reuses) `.bench-cache/shape-<name>`; returns its work tree. */
export async function ensureShapeRepo(cacheDir: string, name: ShapeName, log: (m: string) => void, options: ShapeOptions = BENCH_SHAPES[name]): Promise<string> {
  const root = path.join(cacheDir, `shape-${name}`);
  const marker = `${root}.json`;
  const wanted = JSON.stringify({ generator: SHAPE_GENERATOR_VERSION, name, ...options });
  if (existsSync(path.join(root, '.git')) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
    log(`repository: cached ${root}`);
    return root;
  }
  mkdirSync(cacheDir, { recursive: true });
  rmSync(root, { recursive: true, force: true });
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  log(`repository: generating the ${name} shape (${options.commits} commits, ${options.branches} branches) in ${root} …`);
  const t0 = performance.now();
  await buildShapeRepo(tmp, name, options);
  renameSync(tmp, root);
  writeFileSync(marker, wanted);
  log(`repository: generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return root;
}

/** Writes the shape into a new repository at `dir`. */
export async function buildShapeRepo(dir: string, name: ShapeName, options: ShapeOptions): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '-q', '--initial-branch=main']);
  const { stream, branches } = name === 'linear' ? linearShape(options) : mergesShape(options);
  await fastImport(dir, stream);
  if (name === 'merges') await git(dir, ['update-ref', '-d', 'refs/heads/topic']);
  let config = `[remote "origin"]\n\turl = ${path.join(path.dirname(dir), 'does-not-exist', 'origin.git')}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
  config += `[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n`;
  for (const b of branches) config += `[branch "${b}"]\n\tremote = origin\n\tmerge = refs/heads/${b}\n`;
  appendFileSync(path.join(dir, '.git', 'config'), config);
  await git(dir, ['pack-refs', '--all']);
  await git(dir, ['reset', '-q', '--hard', 'main']);
}

function fastImport(dir: string, chunks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--date-format=raw'], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr}`))));
    child.stdin.end(chunks.join(''));
  });
}

/** Emits commits into a fast-import stream; marks are commit numbers. */
class Stream {
  readonly chunks: string[] = [];
  private mark = 0;
  private clock = 1_600_000_000;

  commit(ref: string, parents: readonly number[], message = 'c'): number {
    const m = ++this.mark;
    this.clock += 60;
    let s = `commit ${ref}\nmark :${m}\ncommitter Bench <bench@example.com> ${this.clock} +0000\ndata ${message.length + 1}\n${message}\n`;
    if (parents.length) s += `from :${parents[0]}\n`;
    for (const p of parents.slice(1)) s += `merge :${p}\n`;
    if (!parents.length) s += 'M 644 inline README.md\ndata 8\n# bench\n';
    this.chunks.push(`${s}\n`);
    return m;
  }

  chain(ref: string, from: number, n: number): number {
    let c = from;
    for (let i = 0; i < n; i++) c = this.commit(ref, [c]);
    return c;
  }

  reset(ref: string, to: number): void {
    this.chunks.push(`reset ${ref}\nfrom :${to}\n\n`);
  }
}

function linearShape(o: ShapeOptions): { stream: string[]; branches: string[] } {
  const rand = mulberry32(o.seed ?? 0x11ea7);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const s = new Stream();
  const main: number[] = [];
  let tip = 0;
  for (let i = 0; i < o.commits; i++) main.push((tip = s.commit('refs/heads/main', tip ? [tip] : [])));
  s.reset('refs/remotes/origin/main', main[Math.max(0, main.length - 3)]);
  const branches: string[] = [];
  const L = main.length;
  for (let b = 1; b <= o.branches; b++) {
    const name = `feature/${String(b).padStart(4, '0')}`;
    const far = rand() < 0.5;
    const d = far ? Math.round(Math.exp(Math.log(100) + rand() * (Math.log(Math.max(101, o.maxDistance)) - Math.log(100)))) : int(0, 5);
    const lo = int(0, Math.max(0, L - 1 - d));
    const hi = Math.min(L - 1, lo + d);
    const kind = rand();
    let local: number;
    let remote: number;
    if (kind < 0.5) [local, remote] = [main[lo], main[hi]]; // behind
    else if (kind < 0.7) [local, remote] = [main[hi], main[lo]]; // ahead
    else {
      // both: commits of its own on each side
      local = s.chain(`refs/heads/${name}`, main[lo], int(1, 3));
      remote = s.chain(`refs/remotes/origin/${name}`, main[hi], int(1, 3));
    }
    s.reset(`refs/heads/${name}`, local);
    s.reset(`refs/remotes/origin/${name}`, remote);
    branches.push(name);
  }
  s.reset('refs/heads/main', main[L - 1]);
  return { stream: [...s.chunks, 'done\n'], branches };
}

function mergesShape(o: ShapeOptions): { stream: string[]; branches: string[] } {
  const rand = mulberry32(o.seed ?? 0x3e76e);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const s = new Stream();
  const main: number[] = []; // first-parent line
  const topics: number[] = []; // topic tips merged so far
  let made = 0;
  let tip = s.commit('refs/heads/main', []);
  main.push(tip);
  while (made < o.commits) {
    const run = int(1, 3);
    for (let i = 0; i < run; i++) main.push((tip = s.commit('refs/heads/main', [tip])));
    // a topic of 1–3 commits forked up to 30 commits back (or off an earlier topic), merged now
    const base = topics.length && rand() < 0.15 ? topics[topics.length - int(1, Math.min(20, topics.length))] : main[Math.max(0, main.length - 1 - int(0, 30))];
    const topic = s.chain('refs/heads/topic', base, int(1, 3));
    topics.push(topic);
    main.push((tip = s.commit('refs/heads/main', [tip, topic], 'merge')));
    made += run + 1 + 2;
  }
  const L = main.length;
  s.reset('refs/remotes/origin/main', main[L - 2]);
  const branches: string[] = [];
  const features: number[] = [];
  const later = (i: number) => Math.min(L - 1, i + Math.floor(int(100, o.maxDistance) / 3));
  for (let b = 1; b <= o.branches; b++) {
    const name = `feature/${String(b).padStart(4, '0')}`;
    const baseIdx = int(0, L - 2);
    // branches of branches: off another feature branch now and then
    const base = features.length && rand() < 0.3 ? features[int(0, features.length - 1)] : main[baseIdx];
    const shared = s.chain(`refs/heads/${name}`, base, int(1, 4));
    features.push(shared);
    let local = shared;
    let remote = shared;
    const k = rand();
    if (k < 0.2) {
      // in sync
    } else if (k < 0.45) {
      local = s.chain(`refs/heads/${name}`, shared, int(0, 3));
      remote = s.chain(`refs/remotes/origin/${name}`, shared, int(0, 3));
    } else if (k < 0.7) {
      // upstream merged a later main
      remote = s.commit(`refs/remotes/origin/${name}`, [shared, main[later(baseIdx)]], 'merge main');
      local = s.chain(`refs/heads/${name}`, shared, int(0, 2));
    } else if (k < 0.85) {
      // local merged a later main, not pushed
      local = s.commit(`refs/heads/${name}`, [shared, main[later(baseIdx)]], 'merge main');
      remote = s.chain(`refs/remotes/origin/${name}`, shared, int(0, 2));
    } else {
      // criss-cross: each side merged the other's old tip, and main on one side
      const l0 = s.chain(`refs/heads/${name}`, shared, int(1, 2));
      const r0 = s.chain(`refs/remotes/origin/${name}`, shared, int(1, 2));
      local = s.commit(`refs/heads/${name}`, [l0, r0], 'criss');
      remote = s.commit(`refs/remotes/origin/${name}`, [r0, l0, main[later(baseIdx)]], 'cross');
    }
    s.reset(`refs/heads/${name}`, local);
    s.reset(`refs/remotes/origin/${name}`, remote);
    branches.push(name);
  }
  s.reset('refs/heads/main', main[L - 1]);
  return { stream: [...s.chunks, 'done\n'], branches };
}
