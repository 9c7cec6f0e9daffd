/**
 * (a) The first screen of the Repositories view: `createGit(root).snapshot({ aheadBehind: 'current' })`
 * + `log({ limit: 50 })` through the project's adapter, against the bare git commands that screen
 * needs run one after another with execFile (target ≤ 1.3×).
 *
 * The adapter's own commands are read from its logger (`> git …` lines) and printed, and their exact
 * argv is captured at `child_process.spawn` (simple-git spawns through it), so the bench can also
 * replay precisely what the adapter ran: that ratio is the adapter's own overhead (simple-git,
 * parsing), while the main ratio is against an independent list of what the screen needs.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type * as ChildProcess from 'node:child_process';
import type { Logger } from '../../src/core/log';
import { type BenchContext, type BenchModule, type Row, fmtMs, fmtRatio, fmtTimes, git, median, run, timeInterleaved } from './context';

/** What the first screen needs, written independently of the adapter's formats. */
export const FIRST_SCREEN_COMMANDS: readonly (readonly string[])[] = [
  ['rev-parse', '--absolute-git-dir', '--is-shallow-repository', '--show-toplevel'],
  // every file the Working tree node lists, untracked ones inside new folders too
  ['status', '--porcelain=v2', '--branch', '--untracked-files=all'],
  // name, sha, upstream (the short upstream name is derived from the refs read here; date / subject are not shown)
  ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(upstream)', 'refs/heads'],
  ['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/remotes'],
  ['for-each-ref', '--sort=-v:refname', '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(subject)', 'refs/tags'],
  ['remote', '-v'],
  // the commits of the first page (no decorations: the view shows none)
  ['log', '-n', '50', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%s'],
];

const gitCommand = (args: readonly string[]) => args.find((a) => !a.startsWith('-')) ?? args[0];
/** `for-each-ref refs/heads`, `status`, … : pairs an adapter command with its baseline twin. */
const commandKey = (args: readonly string[]) => {
  const sub = gitCommand(args);
  const namespace = args.find((a) => a.startsWith('refs/'));
  return namespace ? `${sub} ${namespace}` : sub;
};

type CreateGit = (root: string, options?: { logger?: Logger }) => import('../../src/core/git/git').Git;

export function loadCreateGit(): CreateGit | string {
  try {
    // required lazily so a missing or broken adapter skips this measurement instead of the whole bench
    const mod = createRequire(__filename)('../../src/core/git/simpleGitAdapter') as Partial<typeof import('../../src/core/git/simpleGitAdapter')>;
    return typeof mod.createGit === 'function' ? mod.createGit : 'src/core/git/simpleGitAdapter.ts does not export createGit';
  } catch (e) {
    return `the git adapter does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/** A logger that keeps every `> git …` line. */
export function recordingLogger(lines: string[]): Logger {
  const keep = (m: string | Error) => {
    const text = m instanceof Error ? m.message : m;
    if (text.includes('> git ')) lines.push(text.slice(text.indexOf('> git ')));
  };
  return { trace: keep, debug: keep, info: keep, warn: keep, error: keep };
}

/** Records the argv of every git process spawned through `child_process.spawn` while `fn` runs. */
async function captureSpawns<T>(fn: () => Promise<T>): Promise<{ result: T; argvs: string[][] }> {
  const cp = createRequire(__filename)('node:child_process') as typeof ChildProcess;
  const original = cp.spawn;
  const argvs: string[][] = [];
  cp.spawn = ((command: string, args?: readonly string[], ...rest: unknown[]) => {
    if (/(^|[\\/])git(\.exe)?$/.test(command) && Array.isArray(args)) argvs.push([...args]);
    return (original as (...a: unknown[]) => ChildProcess.ChildProcess)(command, args, ...rest);
  }) as typeof cp.spawn;
  try {
    return { result: await fn(), argvs };
  } finally {
    cp.spawn = original;
  }
}

export const repoSnapshot: BenchModule = {
  name: 'repository snapshot (first screen)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const measurement = 'first screen: snapshot(current) + log(50)';
    const createGit = loadCreateGit();
    if (typeof createGit === 'string') {
      return [{ measurement, ours: '—', baseline: '—', ratio: '', target: '≤ 1.30×', status: 'SKIP', note: createGit }];
    }
    const root = ctx.repoRoot;
    const firstScreen = async (logger?: Logger) => {
      const g = createGit(root, logger ? { logger } : {});
      const snapshot = await g.snapshot({ aheadBehind: 'current' });
      const commits = await g.log({ limit: 50 });
      return { snapshot, commits };
    };

    // Which commands does the adapter run? (logger lines for people, spawn argv for the replay)
    const lines: string[] = [];
    const { result, argvs } = await captureSpawns(() => firstScreen(recordingLogger(lines)));
    ctx.log(`adapter ran ${lines.length} git commands for the first screen:`);
    for (const l of lines) ctx.log(`  ${l}`);
    ctx.log(
      `  → ${result.snapshot.branches.length} branches, ${result.snapshot.remoteBranches.length} remote branches, ${result.snapshot.tags.length} tags, ` +
        `${result.commits.length} commits; HEAD ${result.snapshot.head.branch} ↑${result.snapshot.ahead} ↓${result.snapshot.behind}`,
    );
    const replayable = argvs.length === lines.length && argvs.length > 0;
    if (!replayable) ctx.log(`  (captured ${argvs.length} spawns for ${lines.length} logged commands: the exact-replay row is skipped)`);
    // Compare by subcommand with the independent list, so an extra or missing command stands out.
    const ours = argvs.length ? argvs.map(gitCommand) : lines.map((l) => l.split(' ')[2]);
    const needed = FIRST_SCREEN_COMMANDS.map(gitCommand);
    const extra = ours.filter((c, i) => ours.indexOf(c) === i && ours.filter((x) => x === c).length > needed.filter((x) => x === c).length);
    const missing = needed.filter((c, i) => needed.indexOf(c) === i && needed.filter((x) => x === c).length > ours.filter((x) => x === c).length);
    ctx.log(`baseline (bare git, in sequence): ${FIRST_SCREEN_COMMANDS.map((a) => `git ${a.join(' ')}`).join('\n  ')}`.replace(': ', ':\n  '));
    if (extra.length) ctx.log(`  adapter runs more than the baseline: ${extra.join(', ')}`);
    if (missing.length) ctx.log(`  adapter runs fewer than the baseline: ${missing.join(', ')}`);

    // Per-command times of both sequential runs, so an expensive format atom or flag stands out.
    const perCommand = new Map<string, number[]>();
    const timed = async (label: string, args: readonly string[], env?: NodeJS.ProcessEnv) => {
      const t0 = performance.now();
      await run('git', args, { cwd: root, ...(env ? { env } : {}) });
      const list = perCommand.get(label) ?? [];
      list.push(performance.now() - t0);
      perCommand.set(label, list);
    };
    const rawSequential = async () => {
      for (const args of FIRST_SCREEN_COMMANDS) await timed(`baseline ${commandKey(args)}`, args);
    };
    const rawParallel = () => Promise.all(FIRST_SCREEN_COMMANDS.map((args) => git(root, args)));
    const replay = async () => {
      for (const args of argvs) await timed(`adapter  ${commandKey(args)}`, args, { ...process.env, LC_ALL: 'C' });
    };
    const contenders = {
      adapter: () => firstScreen(),
      rawSequential,
      rawParallel,
      ...(replayable ? { replay } : {}),
    } as Record<'adapter' | 'rawSequential' | 'rawParallel' | 'replay', () => Promise<unknown>>;
    const times = await timeInterleaved(contenders, ctx.repeats);
    for (const [name, t] of Object.entries(times)) ctx.log(`  ${name.padEnd(13)} ${fmtTimes(t)} → median ${fmtMs(median(t))}`);
    ctx.log('  per command (median of the timed sequential runs):');
    const slower: string[] = [];
    for (const [label, t] of [...perCommand].sort(([a], [b]) => a.slice(9).localeCompare(b.slice(9)) || a.localeCompare(b))) {
      const m = median(t.slice(-ctx.repeats));
      ctx.log(`    ${fmtMs(m).padStart(8)}  ${label}`);
      const twin = perCommand.get(`baseline ${label.slice(9)}`);
      if (label.startsWith('adapter') && twin && m > 2 * median(twin.slice(-ctx.repeats)) && m - median(twin.slice(-ctx.repeats)) > 50) slower.push(label.slice(9));
    }
    if (slower.length) ctx.log(`  adapter commands > 2× their baseline twin: ${slower.join('; ')}`);

    const adapter = median(times.adapter);
    const seq = median(times.rawSequential);
    const par = median(times.rawParallel);
    const ratio = adapter / seq;
    const rows: Row[] = [
      {
        measurement,
        ours: fmtMs(adapter),
        baseline: `${fmtMs(seq)} (bare git, sequential)`,
        ratio: fmtRatio(ratio),
        target: '≤ 1.30×',
        status: ratio <= 1.3 ? 'PASS' : 'MISS',
        note:
          [
            extra.length || missing.length ? `adapter command set differs from baseline: +[${extra.join(', ')}] −[${missing.join(', ')}]` : '',
            slower.length ? `slower than their baseline twin: ${slower.join('; ')}` : '',
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      },
      { measurement: 'first screen vs bare git in parallel', ours: fmtMs(adapter), baseline: fmtMs(par), ratio: fmtRatio(adapter / par), target: '(info)', status: 'INFO' },
    ];
    if (replayable) {
      const rep = median(times.replay);
      rows.push({ measurement: 'first screen vs its own commands replayed', ours: fmtMs(adapter), baseline: `${fmtMs(rep)} (sequential)`, ratio: fmtRatio(adapter / rep), target: '(info)', status: 'INFO' });
    }
    return rows;
  },
};
