/**
 * (issue 4) Recommended bump + changelog of 10,000 conventional commits since the last tag:
 * this project (findLastRelease + readCommits + recommendBump + renderChangelogSection, through the
 * real git adapter) against conventional-recommended-bump 11 + conventional-changelog 7 with the
 * conventionalcommits preset (dev dependencies), and against the raw
 * `git log --format=%H%x00%B v1.0.0..HEAD` that holds all the data a bump needs.
 * Targets: ≥ 5× faster than the peer, ~2× the raw git log. Correctness: the same release type as the
 * peer, else a BenchCorrectnessError (exit 1).
 *
 * The repository (`.bench-cache/conventional-10k`) is built once with one `git fast-import` stream:
 * a root commit tagged v1.0.0, then 10,000 commits (types weighted as in real projects, scopes,
 * bodies on ~40%, a few `BREAKING CHANGE:` footers and `!` headers, some non-conventional ones).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGit } from '../../src/core/git/simpleGitAdapter';
import { renderChangelogSection } from '../../src/core/versioning/changelog';
import { readCommits } from '../../src/core/versioning/commits';
import { findLastRelease } from '../../src/core/versioning/lastRelease';
import { nextVersion } from '../../src/core/versioning/nextVersion';
import { recommendBump } from '../../src/core/versioning/recommend';
import { compileTagFormat } from '../../src/core/versioning/tagFormat';
import { peerReleaseType } from '../integration/versioning/peer';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, fmtTimes, git, median, mulberry32, run, timeInterleaved } from './context';

const GENERATOR_VERSION = 1;
const COMMITS = 10_000;

export const versioningBench: BenchModule = {
  name: 'versioning: bump + changelog (10,000 commits)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const root = await ensureConventionalRepo(ctx.cacheDir, ctx.log);
    const format = compileTagFormat('v${version}');

    const ours = async () => {
      const g = createGit(root);
      const last = await findLastRelease(g, format);
      const commits = (await readCommits(g, { from: last?.tag ?? null })).filter((c) => !c.merge);
      const recommendation = recommendBump(commits);
      const version = nextVersion(last?.version ?? '0.0.0', recommendation.releaseType);
      const markdown = renderChangelogSection(commits, { version, tag: `v${version}`, previousTag: last?.tag ?? null, date: '2025-01-01' });
      return { releaseType: recommendation.releaseType, commits: commits.length, markdown };
    };
    const peer = async () => {
      const releaseType = await peerReleaseType(root);
      const markdown = await peerChangelog(root);
      return { releaseType, markdown };
    };
    const raw = () => run('git', ['log', '--format=%H%x00%B', 'v1.0.0..HEAD'], { cwd: root });

    // Correctness first (also the warm-up).
    const a = await ours();
    const b = await peer();
    ctx.log(`ours: ${a.releaseType} from ${a.commits} commits, changelog ${a.markdown.length} chars; peer: ${b.releaseType}, changelog ${b.markdown.length} chars`);
    if (a.commits !== COMMITS) throw new BenchCorrectnessError(`read ${a.commits} commits since v1.0.0, expected ${COMMITS}`);
    if (a.releaseType !== b.releaseType) {
      throw new BenchCorrectnessError(`release type ${a.releaseType}, conventional-recommended-bump says ${String(b.releaseType)}`);
    }
    const entries = (md: string) => md.split('\n').filter((l) => l.startsWith('* ')).length;
    ctx.log(`changelog entries: ours ${entries(a.markdown)}, peer ${entries(b.markdown)}`);

    const times = await timeInterleaved({ ours, peer, raw }, ctx.repeats);
    for (const [k, v] of Object.entries(times)) ctx.log(`  ${k}: ${fmtTimes(v)}`);
    const [o, p, r] = [median(times.ours), median(times.peer), median(times.raw)];
    const vsPeer = p / o;
    const vsRaw = o / r;
    return [
      {
        measurement: 'bump + changelog vs conventional-recommended-bump + conventional-changelog',
        ours: fmtMs(o),
        baseline: fmtMs(p),
        ratio: `${fmtRatio(vsPeer)} faster`,
        target: '≥ 5× faster',
        status: vsPeer >= 5 ? 'PASS' : 'MISS',
        note: `same release type (${a.releaseType})`,
      },
      {
        measurement: 'bump + changelog vs raw git log v1.0.0..HEAD',
        ours: fmtMs(o),
        baseline: fmtMs(r),
        ratio: fmtRatio(vsRaw),
        target: '≈ 2×',
        status: vsRaw <= 2.5 ? 'PASS' : 'MISS',
      },
    ];
  },
};

/** conventional-changelog 7 (ESM) with the conventionalcommits preset: the newest release's section. */
async function peerChangelog(cwd: string): Promise<string> {
  const { ConventionalChangelog } = await import('conventional-changelog');
  const PRESET = 'conventional-changelog-conventionalcommits';
  const createPreset = ((await import(PRESET)) as { default: (config?: object) => Promise<unknown> | unknown }).default;
  const generator = new ConventionalChangelog(cwd)
    .config((await createPreset()) as never)
    .package({ name: 'bench', version: '2.0.0' })
    .context({ version: '2.0.0', date: '2025-01-01' } as never)
    .options({ releaseCount: 1 });
  let out = '';
  for await (const chunk of generator.write()) out += chunk;
  return out;
}

/* ------------------------------------------------------------------------------------------------ */

/** Builds `.bench-cache/conventional-10k` once (marker file with the generator version). */
export async function ensureConventionalRepo(cacheDir: string, log: (m: string) => void): Promise<string> {
  const root = path.join(cacheDir, 'conventional-10k');
  const marker = `${root}.json`;
  if (existsSync(path.join(root, '.git')) && existsSync(marker)) {
    try {
      if ((JSON.parse(readFileSync(marker, 'utf8')) as { generator: number }).generator === GENERATOR_VERSION) {
        log(`repository: cached ${root}`);
        return root;
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
  log(`repository: generating ${COMMITS} conventional commits in ${root} …`);
  await git(tmp, ['init', '-q', '--initial-branch=main']);
  await fastImport(tmp, stream());
  await git(tmp, ['reset', '-q', '--hard', 'main']);
  renameSync(tmp, root);
  writeFileSync(marker, JSON.stringify({ generator: GENERATOR_VERSION, commits: COMMITS, at: new Date().toISOString() }));
  return root;
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
const SCOPES = ['api', 'auth', 'cli', 'config', 'core', 'db', 'git', 'http', 'parser', 'ui', 'web'];
const WORDS = 'add support handle remove cache validate retry empty responses pagination token stale entries unicode names timeouts large payloads the a of for with when'.split(' ');

/** The fast-import stream: root commit + tag v1.0.0, then the conventional commits. */
function stream(): string {
  const rand = mulberry32(0xc0ffee);
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
  out.push(`commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> ${at} +0000\n${data('chore: initial commit\n')}M 644 inline README.md\n${data('# bench\n')}`);
  out.push(`tag v1.0.0\nfrom :1\ntagger Bench <bench@example.com> ${at} +0000\n${data('v1.0.0\n')}`);
  for (let i = 0; i < COMMITS; i++) {
    at += 60 + Math.floor(rand() * 3600);
    const t = type();
    const scope = rand() < 0.6 ? `(${pick(SCOPES)})` : '';
    const bang = rand() < 0.0003 ? '!' : '';
    let message = rand() < 0.03 ? `Update ${words(3)}\n` : `${t}${scope}${bang}: ${words(4 + Math.floor(rand() * 5))}\n`;
    if (rand() < 0.4) message += `\n${words(12)}\n${words(10)}\n`;
    if (rand() < 0.0005) message += `\nBREAKING CHANGE: ${words(8)}\n`;
    if (rand() < 0.05) message += `\nRefs: #${1 + Math.floor(rand() * 5000)}\n`;
    out.push(`commit refs/heads/main\nmark :${i + 2}\nauthor Dev ${i % 7} <dev${i % 7}@example.com> ${at} +0000\ncommitter Dev ${i % 7} <dev${i % 7}@example.com> ${at} +0000\n${data(message)}M 644 inline src/${pick(SCOPES)}/f${i % 50}.ts\n${data(`export const v = ${i};\n`)}`);
  }
  return out.join('');
}
