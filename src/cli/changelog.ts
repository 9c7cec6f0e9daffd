/**
 * `sdlc changelog [--from REF] [--to REF] [--package DIR]`: the changelog section of the commits in
 * `from..to` (default: the last release tag reachable from `to` .. HEAD). With `--package`, only the
 * commits of that package folder, from its own last release tag (its tag format, e.g.
 * `name@1.2.3`). The section is dated by the tag when `--to` is one (else today). `--from` must be
 * an ancestor of `--to`. Reads only; writes nothing.
 */
import * as path from 'node:path';
import { assertValidConfig, loadConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import { isInside } from '../core/transaction/containment';
import { renderChangelogSection } from '../core/versioning/changelog';
import { checkRef, readCommits } from '../core/versioning/commits';
import { findLastRelease } from '../core/versioning/lastRelease';
import { describePackage } from '../core/versioning/service';
import type { CommandOutput, OptionValues } from './args';
import { githubOf } from './bump';
import type { CliContext } from './context';

export async function changelogCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const fromArg = typeof args.values.from === 'string' ? checkRef(args.values.from) : null;
  const to = typeof args.values.to === 'string' ? checkRef(args.values.to) : 'HEAD';
  const git = await context.openRepository();
  const shas = new Map<string, string>();
  for (const ref of [fromArg, to]) {
    if (ref === null) continue;
    const sha = (await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '')).trim();
    if (!sha) throw new SdlcError('RefNotFound', `"${ref}" is not a commit, branch or tag of this repository.`, { usage: true });
    shas.set(ref, sha);
  }
  if (fromArg !== null) {
    // exit 1: not an ancestor (a swapped range would otherwise give an empty section and exit 0).
    const ancestor = await git.run(['merge-base', '--is-ancestor', shas.get(fromArg)!, shas.get(to)!]).then(
      () => true,
      () => false,
    );
    if (!ancestor) {
      throw new SdlcError('NotAnAncestor', `--from ${fromArg} is not an ancestor of --to ${to}, so there is no range between them; did you swap them? (sdlc changelog --from OLDER --to NEWER)`, { usage: true });
    }
  }

  const config = assertValidConfig(await loadConfig(git.root));
  let dir = '.';
  if (typeof args.values.package === 'string') {
    const abs = path.resolve(context.cwd, args.values.package);
    if (!isInside(git.root, abs)) throw new SdlcError('InvalidPackage', `The package folder "${args.values.package}" is outside the repository ${git.root}.`, { usage: true });
    dir = path.relative(git.root, abs).split(path.sep).join('/') || '.';
  }
  // (A package in a monorepo: its tags' convention is read from the tags, as the plan reads it.)
  const tagNames = dir === '.' ? [] : (await git.run(['tag', '--list']).catch(() => '')).split('\n').filter(Boolean);
  const pkg = await describePackage(git.root, dir, config, tagNames);
  const format = pkg.format;
  // When `to` is itself a release, the previous release is the last one before it.
  const toVersion = format.parse(to);
  const parent = toVersion ? (await git.run(['rev-parse', '--verify', '--quiet', `${to}^{commit}^`]).catch(() => '')).trim() : to;
  const from = fromArg ?? (parent ? ((await findLastRelease(git, format, { ref: parent }))?.tag ?? null) : null);

  const commits = (await readCommits(git, { from, to, paths: pkg.paths ?? [] })).filter((c) => !c.merge);
  const version = toVersion ?? 'Unreleased';
  const date = (await tagDate(git, to)) ?? undefined;
  const markdown = renderChangelogSection(commits, { version, tag: to, previousTag: from, date, github: await githubOf(git, context.env) });
  const list = commits.map((c) => ({ sha: c.sha, type: c.type, scope: c.scope, subject: c.subject, breaking: c.breaking }));
  return {
    json: { from, to, markdown, commits: list, package: pkg.name, packageDir: pkg.dir, date: date ?? null },
    text: `${markdown}\n(${list.length} commit${list.length === 1 ? '' : 's'} in ${from ? `${from}..` : ''}${to}${pkg.dir === '.' ? '' : ` touching ${pkg.dir}`})`,
  };
}

/** YYYY-MM-DD of a tag (the tagger's date; a lightweight tag: its commit's), null when `ref` is no tag. */
async function tagDate(git: { run(args: string[]): Promise<string> }, ref: string): Promise<string | null> {
  const out = (await git.run(['for-each-ref', '--format=%(creatordate:iso-strict)', `refs/tags/${ref}`]).catch(() => '')).trim();
  return /^\d{4}-\d{2}-\d{2}/.test(out) ? new Date(out).toISOString().slice(0, 10) : null;
}
