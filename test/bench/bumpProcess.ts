/**
 * Bump and changelog as whole processes on 10,000 conventional commits since the tag
 * (`.bench-cache/conventional-10k`, see versioning.ts), interleaved in one run:
 * - `node dist/cli.js bump --dry-run --json` against `conventional-recommended-bump -p conventionalcommits`
 *   (target ≥ 1.5× faster) and against `git-cliff --bumped-version` (ahead);
 * - `node dist/cli.js changelog --json` against `git-cliff --unreleased --bump` (ahead);
 * - for context: `node dist/cli.js --help` (the bundle's load) and `node -e 0`.
 * Correctness: the same next version / release type as both peers (else BenchCorrectnessError).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, fmtMs, fmtRatio, fmtTimes, median, run, timeInterleaved } from './context';
import { ensureConventionalRepo } from './versioning';

export const bumpProcess: BenchModule = {
  name: 'bump / changelog as whole processes (10,000 commits)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const root = await ensureConventionalRepo(ctx.cacheDir, ctx.log);
    const bin = (name: string) => path.join(ctx.projectRoot, 'node_modules', '.bin', name);
    const cli = path.join(ctx.projectRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) return [{ measurement: 'bump --dry-run (process)', ours: '—', baseline: '—', ratio: '', target: '≥ 1.5× faster', status: 'SKIP', note: 'dist/cli.js missing' }];
    const cliff = existsSync(bin('git-cliff'));
    const node = (args: string[]) => run(process.execPath, args, { cwd: root });
    const contenders = {
      bump: () => node([cli, 'bump', '--dry-run', '--json', '--cwd', root]),
      crb: () => run(bin('conventional-recommended-bump'), ['-p', 'conventionalcommits'], { cwd: root }),
      ...(cliff ? { cliffBumped: () => run(bin('git-cliff'), ['--bumped-version'], { cwd: root }) } : {}),
      changelog: () => node([cli, 'changelog', '--json', '--cwd', root]),
      ...(cliff ? { cliffUnreleased: () => run(bin('git-cliff'), ['--unreleased', '--bump'], { cwd: root }) } : {}),
      help: () => node([cli, '--help']),
      nodeStart: () => node(['-e', '0']),
    } as Record<string, () => Promise<string>>;

    // Same answer first.
    const ours = JSON.parse(await contenders.bump()) as { next: string; releaseType: string };
    const peer = (await contenders.crb()).trim();
    if (peer !== ours.releaseType) throw new BenchCorrectnessError(`sdlc bump says ${ours.releaseType}, conventional-recommended-bump says ${peer}`);
    if (cliff) {
      const bumped = (await contenders.cliffBumped()).trim().replace(/^v/, '');
      if (bumped !== ours.next) throw new BenchCorrectnessError(`sdlc bump says ${ours.next}, git-cliff --bumped-version says ${bumped}`);
    }
    ctx.log(`same answer: ${ours.releaseType} → ${ours.next} (conventional-recommended-bump: ${peer}${cliff ? ', git-cliff agrees' : ''})`);

    const times = await timeInterleaved(contenders, ctx.repeats);
    for (const [k, v] of Object.entries(times)) ctx.log(`  ${k.padEnd(16)} ${fmtTimes(v)} → median ${fmtMs(median(v))}`);
    const m = (k: string) => median(times[k]);
    const rows: Row[] = [
      { measurement: 'sdlc bump --dry-run vs conventional-recommended-bump (processes)', ours: fmtMs(m('bump')), baseline: fmtMs(m('crb')), ratio: `${fmtRatio(m('crb') / m('bump'))} faster`, target: '≥ 1.5× faster', status: m('crb') / m('bump') >= 1.5 ? 'PASS' : 'MISS', note: `node start ${fmtMs(m('nodeStart'))}, node dist/cli.js --help ${fmtMs(m('help'))}` },
    ];
    if (cliff) {
      rows.push(
        { measurement: 'sdlc bump --dry-run vs git-cliff --bumped-version', ours: fmtMs(m('bump')), baseline: fmtMs(m('cliffBumped')), ratio: `${fmtRatio(m('cliffBumped') / m('bump'))} faster`, target: '> 1×', status: m('cliffBumped') > m('bump') ? 'PASS' : 'MISS' },
        { measurement: 'sdlc changelog vs git-cliff --unreleased --bump', ours: fmtMs(m('changelog')), baseline: fmtMs(m('cliffUnreleased')), ratio: `${fmtRatio(m('cliffUnreleased') / m('changelog'))} faster`, target: '> 1×', status: m('cliffUnreleased') > m('changelog') ? 'PASS' : 'MISS' },
      );
    } else rows.push({ measurement: 'git-cliff', ours: '', baseline: '', ratio: '', target: '', status: 'SKIP', note: 'node_modules/.bin/git-cliff missing (npm install)' });
    return rows;
  },
};
