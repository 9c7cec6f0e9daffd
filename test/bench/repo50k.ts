/**
 * The synthetic repository the benchmarks run against, built once with ONE `git fast-import` stream
 * and cached in `.bench-cache/repo-50k` (a marker `.bench-cache/repo-50k.json` carries the generator
 * version, so changing the generator rebuilds it).
 *
 * Shape (deterministic, seeded):
 * - `main`: 50,000 commits (first-parent line plus small topic branches merged every ~25 commits),
 *   each touching 1–3 small files, conventional-commit messages (`feat(api): …`, `fix: …`, bodies,
 *   `BREAKING CHANGE:` footers, a few non-conventional ones). Tracks `origin/main`: ahead 2, behind 1.
 * - 5,000 local branches `feature/NNNN`, each tracking `origin/feature/NNNN`, diverging the way
 *   long-lived feature branches do. Each forks from main at a point spread uniformly over the whole
 *   history and has 1–5 pushed commits of its own; then: ~30% in sync, ~22% local ahead 1–3, ~10%
 *   behind 1–3, ~8% both, ~2% remote branch gone, and (LONG_DIVERGENCE) ~18% whose remote was rebased
 *   onto a main 1,000–8,000 commits later (merge base thousands back: behind by thousands), ~6% rebased
 *   locally but not pushed (ahead by thousands), ~4% whose remote merged a much later main. That is
 *   what makes `%(upstream:track)` take ~10–20 s (like performance.md's repository).
 * - A few remote-only branches (`origin/dependabot/…`).
 * - 5,000 semver tags `v0.X.Y` (every third annotated, the rest lightweight) + a few non-semver tags.
 * - Remote `origin` pointing at a path that does not exist (nothing fetches).
 * - Refs packed (as after a clone), no commit-graph file (the default), a slightly dirty work tree.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { git, mulberry32 } from './context';

export const GENERATOR_VERSION = 5;

export interface RepoShape {
  commits: number;
  branches: number;
  tags: number;
}

export const DEFAULT_SHAPE: RepoShape = { commits: 50_000, branches: 5_000, tags: 5_000 };

/** What the generator knows about each branch; also written into the marker for later checks. */
export interface BranchPlan {
  name: string;
  kind: 'in-sync' | 'ahead' | 'behind' | 'diverged' | 'remote-rebased' | 'local-rebased' | 'remote-merged-main' | 'gone';
  /** first-parent index on main the branch forked from */
  baseIdx: number;
  /** commits of its own (pushed) */
  own: number;
  /** first-parent main commits between the old and the new base (rebased / merged-main kinds), else 0 */
  distance: number;
}

/**
 * The share of branches whose local and remote diverge by thousands of commits, and how far. This is
 * what makes `%(upstream:track)` slow (git walks the divergence once per branch); tuned so that path
 * takes ~10–20 s on a 2-core machine with git 2.39, like the repository in performance.md (generator v3,
 * with ~5% diverging by hundreds, took 2–8 s).
 */
export const LONG_DIVERGENCE = { remoteRebased: 0.18, localRebased: 0.06, remoteMergedMain: 0.04, minDistance: 1_000, maxDistance: 8_000 };

/** Returns the work-tree root of the cached repository, generating it when missing or stale. */
export async function ensureRepo(cacheDir: string, log: (m: string) => void, shape: RepoShape = DEFAULT_SHAPE): Promise<string> {
  const name = `repo-${Math.round(shape.commits / 1000)}k`;
  const root = path.join(cacheDir, name);
  const markerPath = path.join(cacheDir, `${name}.json`);
  const wanted = { generator: GENERATOR_VERSION, ...shape };
  if (existsSync(path.join(root, '.git')) && existsSync(markerPath)) {
    try {
      const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as typeof wanted;
      if (marker.generator === wanted.generator && marker.commits === shape.commits && marker.branches === shape.branches && marker.tags === shape.tags) {
        log(`repository: cached ${root} (generator v${GENERATOR_VERSION})`);
        return root;
      }
    } catch {
      /* stale or broken marker: rebuild */
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  rmSync(root, { recursive: true, force: true });
  rmSync(markerPath, { force: true });
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  log(`repository: generating ${shape.commits} commits, ${shape.branches} branches, ${shape.tags} tags in ${root} …`);
  const t0 = performance.now();
  await generate(tmp, shape, log);
  renameSync(tmp, root);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(markerPath, JSON.stringify({ ...wanted, generatedIn: `${seconds.toFixed(1)} s`, at: new Date().toISOString() }, null, 2));
  log(`repository: generated in ${seconds.toFixed(1)} s`);
  return root;
}

/* ------------------------------------------------------------------------------------------------ */


const MODULES = ['api', 'auth', 'billing', 'cache', 'cli', 'config', 'core', 'db', 'deploy', 'docs', 'events', 'git', 'http', 'i18n', 'jobs', 'log', 'metrics', 'parser', 'queue', 'search', 'storage', 'ui', 'users', 'web'];
const FILES = ['index', 'client', 'model', 'service', 'util', 'types', 'errors', 'handler', 'schema', 'store'];
const TYPES: Array<[string, number]> = [['feat', 26], ['fix', 30], ['chore', 12], ['docs', 7], ['refactor', 9], ['test', 7], ['perf', 3], ['ci', 3], ['build', 2], ['style', 1]];
const VERBS = ['add', 'support', 'handle', 'remove', 'rename', 'extract', 'simplify', 'cache', 'validate', 'retry', 'log', 'expose', 'guard against', 'avoid', 'speed up', 'document', 'clean up', 'update', 'migrate', 'deprecate'];
const OBJECTS = ['empty responses', 'pagination', 'the session token', 'stale entries', 'unicode names', 'trailing slashes', 'the retry budget', 'config defaults', 'null ids', 'timeouts', 'large payloads', 'the lock file', 'rate limits', 'dark theme colors', 'error messages', 'the health check', 'nested folders', 'duplicate events', 'the cron schedule', 'ETag headers', 'old migrations', 'flaky assertions'];
const WORDS = 'the a when it is not to of and in for on with this that by from be as was are or at an if so we now but also only into than then more when'.split(' ');
const PEOPLE: Array<[string, string]> = [['Ada Lovelace', 'ada@example.com'], ['Grace Hopper', 'grace@example.com'], ['Linus Torvalds', 'linus@example.org'], ['Margaret Hamilton', 'mh@example.com'], ['Ken Thompson', 'ken@example.net'], ['Barbara Liskov', 'liskov@example.edu'], ['Dennis Ritchie', 'dmr@example.net'], ['Frances Allen', 'fran@example.com'], ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'], ['Tim Berners-Lee', 'tbl@example.org'], ['Radia Perlman', 'radia@example.com'], ['Edsger Dijkstra', 'ewd@example.nl']];

class StreamWriter {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly sink: NodeJS.WritableStream) {}
  push(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
  }
  /** Hands what is buffered to fast-import once it is worth it, waiting for the pipe to drain. */
  async flush(force = false): Promise<void> {
    if (!force && this.size < 1 << 20) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (!this.sink.write(data)) await new Promise<void>((r) => this.sink.once('drain', () => r()));
  }
}

const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;

async function generate(dir: string, shape: RepoShape, log: (m: string) => void): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '-q', '--initial-branch=main']);
  const rand = mulberry32(0x5d1c);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const typeTotal = TYPES.reduce((s, [, w]) => s + w, 0);
  const pickType = () => {
    let r = rand() * typeTotal;
    for (const [t, w] of TYPES) if ((r -= w) < 0) return t;
    return 'fix';
  };
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

  let issueNo = 100;
  const message = (): string => {
    if (rand() < 0.04) return pick(['Update README.md', 'wip', 'Fix typo', 'Bump dependencies', 'Revert "tweak logging"', 'Initial import of the new parser']) + '\n';
    const type = pickType();
    const scope = rand() < 0.7 ? `(${pick(MODULES)})` : '';
    const breaking = rand() < 0.015;
    let m = `${type}${scope}${breaking && rand() < 0.5 ? '!' : ''}: ${pick(VERBS)} ${pick(OBJECTS)}\n`;
    if (rand() < 0.45) m += `\n${sentence(int(8, 30))}.\n${rand() < 0.3 ? `${sentence(int(5, 20))}.\n` : ''}`;
    if (breaking) m += `\nBREAKING CHANGE: ${pick(OBJECTS)} ${sentence(int(4, 10))}\n`;
    if (rand() < 0.25) m += `\nRefs: #${issueNo++}\n`;
    return m;
  };

  const allFiles = MODULES.flatMap((m) => FILES.map((f) => `src/${m}/${f}.ts`));
  const rev = new Map<string, number>();
  const fileContent = (p: string): string => {
    const r = (rev.get(p) ?? 0) + 1;
    rev.set(p, r);
    const lines = [`// ${p}`, `export const revision = ${r};`];
    for (let i = int(2, 8); i > 0; i--) lines.push(`export const ${pick(FILES)}${i} = '${sentence(int(2, 6))}';`);
    return lines.join('\n') + '\n';
  };

  const child = spawn('git', ['fast-import', '--quiet', '--date-format=raw'], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr}`))));
  });
  const out = new StreamWriter(child.stdin);

  let mark = 0;
  let clock = 1_546_300_800; // 2019-01-01
  const timeOf: number[] = [];
  /** Emits one commit on `ref` and returns its mark. */
  const commit = (ref: string, parents: number[], at: number, msg = message(), files = int(1, 3)): number => {
    const m = ++mark;
    timeOf[m] = at;
    const [name, email] = pick(PEOPLE);
    const tz = pick(['+0000', '+0100', '+0200', '-0500', '-0800', '+0530']);
    let s = `commit ${ref}\nmark :${m}\nauthor ${name} <${email}> ${at - int(0, 3600)} ${tz}\ncommitter ${name} <${email}> ${at} ${tz}\n${data(msg)}`;
    if (parents.length) s += `from :${parents[0]}\n`;
    for (const p of parents.slice(1)) s += `merge :${p}\n`;
    if (!parents.length) for (const p of allFiles) s += `M 100644 inline ${p}\n${data(fileContent(p))}`;
    else for (let i = 0; i < files; i++) {
      const p = pick(allFiles);
      s += `M 100644 inline ${p}\n${data(fileContent(p))}`;
    }
    out.push(s + '\n');
    return m;
  };
  const reset = (ref: string, to: number) => out.push(`reset ${ref}\nfrom :${to}\n\n`);

  // main: first-parent line, with a small topic branch merged every ~25 commits.
  const mainLine: number[] = [];
  let made = 0;
  let tip = 0;
  while (made < shape.commits) {
    clock += int(60, 3000);
    if (tip && made + 3 <= shape.commits && rand() < 0.04) {
      const topicLen = int(1, 2);
      let side = tip;
      for (let i = 0; i < topicLen; i++) side = commit('refs/heads/main', [side], clock - int(60, 600) * (topicLen - i));
      tip = commit('refs/heads/main', [tip, side], clock, `Merge pull request #${issueNo++} from team/${pick(MODULES)}-${pick(FILES)}\n\n${message()}`, 0);
      made += topicLen + 1;
    } else {
      tip = commit('refs/heads/main', tip ? [tip] : [], clock);
      made++;
    }
    mainLine.push(tip);
    await out.flush();
  }
  const L = mainLine.length;
  // Local main is ahead of origin/main by 2; origin/main has 1 commit main lacks.
  reset('refs/heads/main', mainLine[L - 1]);
  commit('refs/remotes/origin/main', [mainLine[L - 3]], clock - 120);

  // Feature branches: each forks from main at a point spread uniformly over the whole history and has
  // 1–5 commits of its own (pushed, so shared with its remote counterpart); then local and remote go
  // their ways like long-lived branches do (see LONG_DIVERGENCE for the share that diverges by thousands).
  const plans: BranchPlan[] = [];
  const width = String(shape.branches).length < 4 ? 4 : String(shape.branches).length;
  /** `n` commits on `ref` on top of `from`, dated from `at` on; returns the last mark. */
  const chain = (ref: string, from: number, n: number, at: number): number => {
    let c = from;
    for (let i = 0; i < n; i++) c = commit(ref, [c], (at += int(300, 7200)));
    return c;
  };
  /** An index on main 1,000–8,000 first-parent commits after `baseIdx` (capped at the tip). */
  const laterMain = (baseIdx: number): number => Math.min(L - 1, baseIdx + int(LONG_DIVERGENCE.minDistance, LONG_DIVERGENCE.maxDistance));
  for (let b = 1; b <= shape.branches; b++) {
    const name = `feature/${String(b).padStart(width, '0')}`;
    const local = `refs/heads/${name}`;
    const remote = `refs/remotes/origin/${name}`;
    const baseIdx = int(0, L - 2);
    const base = mainLine[baseIdx];
    const own = int(1, 5);
    const shared = chain(local, base, own, timeOf[base]);
    const r = rand();
    let kind: BranchPlan['kind'];
    let localTip = shared;
    let remoteTip = shared;
    let distance = 0; // first-parent main commits between the two bases (rebases / merges only)
    let acc = 0;
    const cut = (share: number) => r < (acc += share);
    if (cut(0.02)) {
      kind = 'gone';
      localTip = chain(local, shared, int(0, 2), timeOf[shared]);
    } else if (cut(LONG_DIVERGENCE.remoteRebased)) {
      // Someone rebased the branch onto a much later main and force-pushed; the local copy is stale
      // (and may have a commit of its own): merge base thousands of commits back.
      kind = 'remote-rebased';
      const to = laterMain(baseIdx);
      distance = to - baseIdx;
      localTip = chain(local, shared, rand() < 0.3 ? int(1, 2) : 0, timeOf[shared]);
      remoteTip = chain(remote, mainLine[to], own + int(0, 2), timeOf[mainLine[to]]);
    } else if (cut(LONG_DIVERGENCE.localRebased)) {
      // Rebased locally onto a much later main, not pushed yet.
      kind = 'local-rebased';
      const to = laterMain(baseIdx);
      distance = to - baseIdx;
      localTip = chain(local, mainLine[to], own + int(0, 2), timeOf[mainLine[to]]);
      remoteTip = chain(remote, shared, rand() < 0.3 ? 1 : 0, timeOf[shared]);
    } else if (cut(LONG_DIVERGENCE.remoteMergedMain)) {
      // The remote merged a much later main (e.g. GitHub's "update branch").
      kind = 'remote-merged-main';
      const to = laterMain(baseIdx);
      distance = to - baseIdx;
      localTip = chain(local, shared, rand() < 0.3 ? 1 : 0, timeOf[shared]);
      const m = mainLine[to];
      remoteTip = commit(remote, [shared, m], Math.max(timeOf[shared], timeOf[m]) + 600, `Merge branch 'main' into ${name}\n`, 0);
    } else if (cut(0.3)) {
      kind = 'in-sync';
    } else if (cut(0.22)) {
      kind = 'ahead';
      localTip = chain(local, shared, int(1, 3), timeOf[shared]);
    } else if (cut(0.1)) {
      kind = 'behind';
      remoteTip = chain(remote, shared, int(1, 3), timeOf[shared]);
    } else {
      kind = 'diverged';
      localTip = chain(local, shared, int(1, 3), timeOf[shared]);
      remoteTip = chain(remote, shared, int(1, 3), timeOf[shared]);
    }
    reset(local, localTip);
    if (kind !== 'gone') reset(remote, remoteTip);
    plans.push({ name, kind, baseIdx, own, distance });
    await out.flush();
  }
  // Remote-only branches (nobody checked them out).
  for (let i = 1; i <= 20; i++) {
    const base = mainLine[L - 1 - int(0, 400)];
    commit(`refs/remotes/origin/dependabot/npm_and_yarn/pkg-${i}`, [base], timeOf[base] + 3600, `build(deps): bump pkg-${i} from 1.0.${i} to 1.0.${i + 1}\n`, 1);
  }

  // Tags: v0.X.Y every ~10 first-parent commits, a third annotated; a few that are not semver.
  const step = Math.max(1, Math.floor(L / (shape.tags + 1)));
  for (let t = 0; t < shape.tags; t++) {
    const target = mainLine[Math.min(L - 1, (t + 1) * step)];
    const tag = `v0.${Math.floor(t / 100)}.${t % 100}`;
    if (t % 3 === 0) {
      const [n, e] = pick(PEOPLE);
      out.push(`tag ${tag}\nfrom :${target}\ntagger ${n} <${e}> ${timeOf[target] + 60} +0000\n${data(`Release ${tag}\n\n${sentence(int(4, 12))}\n`)}`);
    } else reset(`refs/tags/${tag}`, target);
  }
  for (const tag of ['nightly', 'latest', 'release-2019-q4', 'deploy/prod-2021-03-01', 'build-20871', 'legacy_1_2', 'v2', 'before-monorepo']) {
    reset(`refs/tags/${tag}`, mainLine[int(0, L - 1)]);
  }
  out.push('done\n');
  await out.flush(true);
  child.stdin.end();
  await done;
  log(`repository: fast-import done (${mark} commits)`);

  // Config in one write: origin + the upstream of main and of every feature branch.
  let config = `[remote "origin"]\n\turl = ${path.join(path.dirname(dir), 'does-not-exist', 'origin.git')}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
  config += `[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n`;
  for (const p of plans) config += `[branch "${p.name}"]\n\tremote = origin\n\tmerge = refs/heads/${p.name}\n`;
  appendFileSync(path.join(dir, '.git', 'config'), config);

  await git(dir, ['pack-refs', '--all']);
  await git(dir, ['reset', '-q', '--hard', 'main']);
  // A slightly dirty work tree: one staged change, one unstaged, one untracked file.
  writeFileSync(path.join(dir, 'src/api/index.ts'), '// staged edit\n');
  await git(dir, ['add', 'src/api/index.ts']);
  writeFileSync(path.join(dir, 'src/ui/store.ts'), '// unstaged edit\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
  writeFileSync(path.join(dir, '.git', 'sdlc-bench-branches.json'), JSON.stringify(plans));
  if (existsSync(path.join(dir, '.git', 'objects', 'info', 'commit-graph'))) throw new Error('unexpected commit-graph file');
}
