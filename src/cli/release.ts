/**
 * `sdlc release --tag TAG [--asset FILE…] [--draft] [--prerelease] [--latest|--not-latest]
 *  [--notes-file FILE] [--replace] [--on-failure keep|delete]`: publishes a GitHub Release of a tag
 * (pull deployment). Notes default to the tag's CHANGELOG section, else GitHub's generated notes.
 * GitHub access: GITHUB_TOKEN / GH_TOKEN, GITHUB_API_URL.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveActor } from '../core/audit/actor';
import { AuditLog, resolveAuditPath } from '../core/audit/auditLog';
import { assertValidConfig, loadConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import { createGitHub } from '../core/github/octokitAdapter';
import { Releases, type PublishResult } from '../core/github/releases';
import { changelogSection } from '../core/packaging/notes';
import type { CommandOutput, OptionValues } from './args';
import { githubOf } from './bump';
import type { CliContext } from './context';
import { githubOptionsFromEnv } from './env';
import { formatBytes } from '../core/format';

export async function releaseCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const v = args.values;
  const tag = typeof v.tag === 'string' ? v.tag.trim() : '';
  if (!tag) throw new SdlcError('BadUsage', 'sdlc release needs --tag TAG (the tag to release, e.g. v1.2.0).', { usage: true });
  const onFailure = v['on-failure'] ?? 'keep';
  if (onFailure !== 'keep' && onFailure !== 'delete') throw new SdlcError('BadUsage', `--on-failure is keep or delete (got ${JSON.stringify(onFailure)}).`, { usage: true });
  if (v.latest === true && v['not-latest'] === true) throw new SdlcError('BadUsage', '--latest and --not-latest exclude each other.', { usage: true });
  const assets = ((v.asset as string[] | undefined) ?? []).map((f) => path.resolve(context.cwd, f));

  const git = await context.openRepository();
  const config = assertValidConfig(await loadConfig(git.root));
  const localTag = (await git.run(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]).catch(() => '')).trim();
  if (!localTag) throw new SdlcError('TagNotFound', `The tag ${tag} does not exist in this repository. Create it (sdlc bump) or fetch it (git fetch --tags), push it, then release.`, { usage: true });
  const repo = await githubOf(git, context.env);
  if (!repo) throw new SdlcError('NoGitHubRemote', 'This repository has no GitHub remote (origin, or the upstream of the current branch): there is nowhere to publish a release.', { usage: true });

  let notes: string | undefined;
  if (typeof v['notes-file'] === 'string') {
    notes = await fs.readFile(path.resolve(context.cwd, v['notes-file']), 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new SdlcError('BadUsage', `Cannot read --notes-file: ${e.message}`, { usage: true });
    });
  } else {
    const changelog = config.versioning?.changelog === false ? null : (config.versioning?.changelog ?? 'CHANGELOG.md');
    if (changelog) {
      const text = await fs.readFile(path.join(git.root, changelog), 'utf8').catch(() => null);
      notes = (text && changelogSection(text, tag)) ?? undefined;
    }
  }

  const options = githubOptionsFromEnv(context.env);
  // SDLC_GITHUB_WRITE_SPACING_MS lowers the 1 s spacing of GitHub writes (tests), as for sdlc deploy.
  const spacing = Number(context.env.SDLC_GITHUB_WRITE_SPACING_MS ?? '');
  const github = await createGitHub({ ...options, logger: context.logger, ...(context.env.SDLC_GITHUB_WRITE_SPACING_MS && Number.isFinite(spacing) ? { throttle: { writeSpacingMs: spacing } } : {}) });
  const audit = { log: new AuditLog(resolveAuditPath(git.root, await git.gitDir(), config.audit?.path), { logger: context.logger }), actor: await resolveActor('cli', git, { env: context.env }), repository: git.root };
  const releases = new Releases(github, repo, { logger: context.logger, audit, token: options.token });

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: PublishResult;
  try {
    result = await releases.publish({
      tag,
      notes,
      assets,
      draft: v.draft === true,
      prerelease: v.prerelease === true ? true : undefined,
      makeLatest: v.latest === true ? true : v['not-latest'] === true ? false : undefined,
      replace: v.replace === true,
      onFailure,
      signal: controller.signal,
      onProgress: (m) => context.logger.info(`[Releases] ${m}`),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const r = result.release;
  const json = {
    tag: r.tag,
    id: r.id,
    url: r.htmlUrl,
    draft: r.draft,
    prerelease: r.prerelease,
    created: result.created,
    published: result.published,
    uploaded: result.uploaded,
    skipped: result.skipped,
    assets: r.assets.map((a) => ({ name: a.name, size: a.size, contentType: a.contentType, digest: a.digest, url: a.browserDownloadUrl })),
  };
  const lines = [
    `${result.created ? 'Created' : 'Updated'} release ${r.tag}${r.draft ? ' (draft)' : ''}${r.prerelease ? ' (prerelease)' : ''}: ${r.htmlUrl}`,
    ...r.assets.map((a) => `  ${a.name}  ${formatBytes(a.size)}${result.uploaded.includes(a.name) ? '  uploaded' : result.skipped.includes(a.name) ? '  already there' : ''}`),
  ];
  return { json, text: lines.join('\n') };
}
