/**
 * (issue 9) Planning every package of a synthetic pnpm monorepo — 300 packages, 20,000 conventional
 * commits since their tags — with the planning service (discovery through the adapters, one read of
 * the history, recommended bumps, changelogs, every file each release writes), against ONE bare
 * `git log --name-only` of the same range (the least any planner must read). Target: ≤ 1.5×.
 * Correctness: every package with commits is planned, with exactly its own commits (the counts
 * the generator made), else a BenchCorrectnessError.
 *
 * The repository (`.bench-cache/pnpm-300x20k`) is built once with one `git fast-import` stream: a
 * root commit (private root package.json, pnpm-workspace.yaml, 300 packages at 1.0.0; each package
 * depends on the one before it) tagged `pN@1.0.0` for every package, then the commits, each touching
 * one package.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGit } from '../../src/core/git/simpleGitAdapter';
import { planRepository } from '../../src/core/versioning/service';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, fmtTimes, git, median, mulberry32, run, timeInterleaved } from './context';

const GENERATOR_VERSION = 1;
const PACKAGES = 300;
const COMMITS = 20_000;

export const monorepoPlanBench: BenchModule = {
  name: `versioning: plan a pnpm monorepo (${PACKAGES} packages × ${COMMITS.toLocaleString('en')} commits)`,
  async run(ctx: BenchContext): Promise<Row[]> {
    const { root, perPackage } = await ensureMonorepo(ctx.cacheDir, ctx.log);
    const ours = async () => planRepository(createGit(root), { date: '2025-01-01' });
    const raw = () => run('git', ['log', '--name-only', '--format=%H%x00%B', 'p0@1.0.0..HEAD'], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });

    const plan = await ours();
    const counts = new Map(plan.plans.map((p) => [p.packageDir, p.commits.length]));
    const wrong = [...perPackage].filter(([dir, n]) => (counts.get(dir) ?? 0) !== n);
    if (wrong.length || plan.plans.length !== [...perPackage.values()].filter((n) => n > 0).length) {
      throw new BenchCorrectnessError(`planned ${plan.plans.length} packages; commit counts differ for ${wrong.slice(0, 3).map(([d, n]) => `${d} (${counts.get(d) ?? 0}, expected ${n})`).join(', ')}`);
    }
    const files = plan.plans.reduce((s, p) => s + p.files.length, 0);
    ctx.log(`planned ${plan.plans.length} packages, ${files} files, ${plan.plans.reduce((s, p) => s + p.commits.length, 0)} commits`);

    const times = await timeInterleaved({ ours, raw }, ctx.repeats);
    for (const [k, v] of Object.entries(times)) ctx.log(`  ${k}: ${fmtTimes(v)}`);
    const [o, r] = [median(times.ours), median(times.raw)];
    return [
      {
        measurement: `plan ${PACKAGES} packages × ${COMMITS.toLocaleString('en')} commits vs one git log --name-only of the range`,
        ours: fmtMs(o),
        baseline: fmtMs(r),
        ratio: fmtRatio(o / r),
        target: '≤ 1.5×',
        status: o / r <= 1.5 ? 'PASS' : 'MISS',
        note: `${plan.plans.length} plans, ${files} files`,
      },
    ];
  },
};

/** Builds `.bench-cache/pnpm-300x20k` once; returns it and the number of commits of each package. */
export async function ensureMonorepo(cacheDir: string, log: (m: string) => void): Promise<{ root: string; perPackage: Map<string, number> }> {
  const root = path.join(cacheDir, 'pnpm-300x20k');
  const marker = `${root}.json`;
  const { text, perPackage } = stream();
  if (existsSync(path.join(root, '.git')) && existsSync(marker)) {
    try {
      if ((JSON.parse(readFileSync(marker, 'utf8')) as { generator: number }).generator === GENERATOR_VERSION) {
        log(`repository: cached ${root}`);
        return { root, perPackage };
      }
    } catch {
      /* rebuild */
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  rmSync(root, { recursive: true, force: true });
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`repository: generating ${PACKAGES} packages and ${COMMITS} commits in ${root} …`);
  await git(tmp, ['init', '-q', '--initial-branch=main']);
  await fastImport(tmp, text);
  await git(tmp, ['reset', '-q', '--hard', 'main']);
  renameSync(tmp, root);
  writeFileSync(marker, JSON.stringify({ generator: GENERATOR_VERSION, packages: PACKAGES, commits: COMMITS, at: new Date().toISOString() }));
  return { root, perPackage };
}

function fastImport(dir: string, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--date-format=raw'], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr}`))));
    child.stdin.end(input);
  });
}

const TYPES: Array<[string, number]> = [['feat', 26], ['fix', 30], ['chore', 12], ['docs', 7], ['refactor', 9], ['test', 7], ['perf', 3], ['ci', 3], ['build', 2]];
const WORDS = 'add support handle remove cache validate retry empty responses pagination token stale entries unicode names timeouts large payloads the a of for with when'.split(' ');

/** The fast-import stream (deterministic) and the commits it makes per package folder. */
function stream(): { text: string; perPackage: Map<string, number> } {
  const rand = mulberry32(0x9e3779b9);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const total = TYPES.reduce((s, [, w]) => s + w, 0);
  const type = () => {
    let r = rand() * total;
    for (const [t, w] of TYPES) if ((r -= w) < 0) return t;
    return 'chore';
  };
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const out: string[] = [];
  let at = 1_600_000_000;
  const initial = [`M 644 inline package.json\n${data('{\n  "name": "root",\n  "private": true\n}\n')}`, `M 644 inline pnpm-workspace.yaml\n${data("packages:\n  - 'packages/*'\n")}`];
  for (let i = 0; i < PACKAGES; i++) {
    const deps = i > 0 ? `,\n  "dependencies": {\n    "p${i - 1}": "workspace:^1.0.0",\n    "left-pad": "^1.3.0"\n  }` : '';
    initial.push(`M 644 inline packages/p${i}/package.json\n${data(`{\n  "name": "p${i}",\n  "version": "1.0.0"${deps}\n}\n`)}`);
  }
  out.push(`commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> ${at} +0000\n${data('chore: initial commit\n')}${initial.join('')}`);
  for (let i = 0; i < PACKAGES; i++) out.push(`reset refs/tags/p${i}@1.0.0\nfrom :1\n\n`);
  const perPackage = new Map<string, number>();
  for (let i = 0; i < PACKAGES; i++) perPackage.set(`packages/p${i}`, 0);
  for (let i = 0; i < COMMITS; i++) {
    at += 60 + Math.floor(rand() * 600);
    // Skewed like real monorepos: a few packages get most commits; some none.
    const n = Math.min(PACKAGES - 1, Math.floor(PACKAGES * rand() ** 2.2));
    const dir = `packages/p${n}`;
    perPackage.set(dir, perPackage.get(dir)! + 1);
    let message = `${type()}(p${n}): ${words(4 + Math.floor(rand() * 5))}\n`;
    if (rand() < 0.4) message += `\n${words(12)}\n${words(10)}\n`;
    out.push(`commit refs/heads/main\nmark :${i + 2}\nauthor Dev ${i % 7} <dev${i % 7}@example.com> ${at} +0000\ncommitter Dev ${i % 7} <dev${i % 7}@example.com> ${at} +0000\n${data(message)}M 644 inline ${dir}/src/f${i % 20}.ts\n${data(`export const v = ${i};\n`)}`);
  }
  return { text: out.join(''), perPackage };
}
