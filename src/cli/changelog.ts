/**
 * `sdlc changelog [--from REF] [--to REF]`: the changelog section of the commits in `from..to`
 * (default: the last release tag reachable from `to` .. HEAD). Reads only; writes nothing.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assertValidConfig, loadConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import { renderChangelogSection } from '../core/versioning/changelog';
import { checkRef, readCommits } from '../core/versioning/commits';
import { findLastRelease } from '../core/versioning/lastRelease';
import { readManifest } from '../core/versioning/manifest';
import { compileTagFormat, DEFAULT_TAG_FORMAT } from '../core/versioning/tagFormat';
import type { CommandOutput, OptionValues } from './args';
import { githubOf } from './bump';
import type { CliContext } from './context';

export async function changelogCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const fromArg = typeof args.values.from === 'string' ? checkRef(args.values.from) : null;
  const to = typeof args.values.to === 'string' ? checkRef(args.values.to) : 'HEAD';
  const git = await context.openRepository();
  for (const ref of [fromArg, to]) {
    if (ref === null) continue;
    const sha = (await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '')).trim();
    if (!sha) throw new SdlcError('RefNotFound', `"${ref}" is not a commit, branch or tag of this repository.`, { usage: true });
  }

  const config = assertValidConfig(await loadConfig(git.root));
  const manifest = await fs.readFile(path.join(git.root, 'package.json'), 'utf8').catch(() => null);
  const name = manifest === null ? path.basename(git.root) : (readManifest(manifest).name ?? path.basename(git.root));
  const format = compileTagFormat(config.versioning?.tagFormat ?? DEFAULT_TAG_FORMAT, name);
  // When `to` is itself a release, the previous release is the last one before it.
  const toVersion = format.parse(to);
  const parent = toVersion ? (await git.run(['rev-parse', '--verify', '--quiet', `${to}^{commit}^`]).catch(() => '')).trim() : to;
  const from = fromArg ?? (parent ? ((await findLastRelease(git, format, { ref: parent }))?.tag ?? null) : null);

  const commits = (await readCommits(git, { from, to })).filter((c) => !c.merge);
  const version = toVersion ?? 'Unreleased';
  const markdown = renderChangelogSection(commits, { version, tag: to, previousTag: from, github: await githubOf(git, context.env) });
  const list = commits.map((c) => ({ sha: c.sha, type: c.type, scope: c.scope, subject: c.subject, breaking: c.breaking }));
  return {
    json: { from, to, markdown, commits: list },
    text: `${markdown}\n(${list.length} commit${list.length === 1 ? '' : 's'} in ${from ? `${from}..` : ''}${to})`,
  };
}
