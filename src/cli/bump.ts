/**
 * `sdlc bump [auto|major|minor|patch|prerelease|X.Y.Z] [--preid ID] [--package DIR] [--dry-run] [--push]`:
 * plans the release (recommended bump from conventional commits by default) and applies it as one
 * transaction (files, commit, annotated tag, optional push), recorded in the audit log.
 *
 * Which package: `--package DIR` (relative to --cwd); else the package folder holding --cwd; else,
 * in a monorepo, every package that changed since its own tag (one commit, one tag each; the JSON
 * is then `{ packages: [...], files, commit, tags, pushed }`).
 */
import * as path from 'node:path';
import { resolveActor } from '../core/audit/actor';
import { AuditLog, resolveAuditPath } from '../core/audit/auditLog';
import { assertValidConfig, formatProblem, loadConfig, type SdlcConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import type { Git, GitHubRepoRef } from '../core/git/git';
import { parseGitHubRemote } from '../core/github/remote';
import { discoverPackages, owningPackage, planReleases } from '../core/versioning/monorepo';
import { isReleaseType, parseVersion } from '../core/versioning/nextVersion';
import type { PlanReleaseOptions, ReleasePlan } from '../core/versioning/plan';
import { applyRelease, type AppliedRelease } from '../core/versioning/release';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';
import { enterpriseHostsFromEnv } from './env';

/** The `sdlc bump --json` document of one package (design.md contract + extensions). */
export interface BumpDocument {
  package: string;
  current: string;
  next: string;
  releaseType: string;
  reason: string;
  tag: string;
  commits: ReleasePlan['commits'];
  changelog: string;
  files: string[];
  /* ---- extensions ---- */
  packageDir: string;
  previousTag: string | null;
  warnings: string[];
  dryRun: boolean;
  /** The release commit; null with --dry-run. */
  commit: string | null;
  pushed: boolean;
}

export async function bumpCommand(context: CliContext, args: { positionals: string[]; values: OptionValues }): Promise<CommandOutput> {
  const bump = checkBump(args.positionals[0] ?? 'auto');
  const dryRun = args.values['dry-run'] === true;
  const push = args.values.push === true;
  if (dryRun && push) throw new SdlcError('BadUsage', '--dry-run and --push exclude each other: a dry run changes nothing, so there is nothing to push.', { usage: true });
  const preid = typeof args.values.preid === 'string' ? args.values.preid : undefined;

  const git = await context.openRepository();
  const config = await readConfig(context, git.root);
  const base: PlanReleaseOptions = {
    bump,
    preid,
    tagFormat: config.versioning?.tagFormat,
    changelog: config.versioning?.changelog,
    github: await githubOf(git, context.env),
  };
  const versionFiles = config.versioning?.versionFiles ?? [];

  const dirs = await discoverPackages(git.root, config);
  const chosen = typeof args.values.package === 'string' ? packageDir(git.root, context.cwd, args.values.package) : cwdPackage(git.root, context.cwd, dirs);
  const single = chosen !== null;
  const plans = await planReleases(git, { ...base, packages: dirs, versionFiles, ...(chosen !== null ? { only: [chosen] } : {}) });
  if (!single) {
    if (plans.length === 0) {
      throw new SdlcError('NothingToRelease', `No package of ${dirs.join(', ')} changed since its last release tag: nothing to release.`, { usage: true });
    }
  }

  let applied: AppliedRelease | null = null;
  if (!dryRun) {
    const gitDir = await git.gitDir();
    const log = new AuditLog(resolveAuditPath(git.root, gitDir, config.audit?.path), { logger: context.logger });
    const actor = await resolveActor('cli', git, { env: context.env });
    applied = await applyRelease(git, plans, { push, audit: { log, actor } });
  }
  const docs = plans.map((p) => document(p, applied));
  if (single) return { json: docs[0], text: formatBump(docs, applied, dryRun) };
  const files = [...new Set(docs.flatMap((d) => d.files))];
  return {
    json: { packages: docs, files, tags: docs.map((d) => d.tag), commit: applied?.commit ?? null, pushed: applied?.pushed ?? false, dryRun },
    text: formatBump(docs, applied, dryRun),
  };
}

/** Bad input is refused before anything is read: a release type, `auto`, or a semantic version. */
function checkBump(bump: string): string {
  if (bump === 'auto' || isReleaseType(bump)) return bump;
  parseVersion(bump.replace(/^v(?=\d)/, ''), 'version to bump to');
  return bump;
}

async function readConfig(context: CliContext, root: string): Promise<SdlcConfig> {
  const loaded = await loadConfig(root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  return assertValidConfig(loaded);
}

/** The GitHub repository of the upstream remote (else `origin`), for links in the changelog. */
export async function githubOf(git: Pick<Git, 'run'>, env: NodeJS.ProcessEnv): Promise<GitHubRepoRef | null> {
  const symbolic = (await git.run(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
  const remoteOfBranch = symbolic ? (await git.run(['for-each-ref', '--format=%(upstream:remotename)', symbolic]).catch(() => '')).trim() : '';
  for (const remote of [remoteOfBranch, 'origin'].filter(Boolean)) {
    const url = (await git.run(['remote', 'get-url', '--', remote]).catch(() => '')).trim();
    if (url) return parseGitHubRemote(url, { enterpriseHosts: enterpriseHostsFromEnv(env) });
  }
  return null;
}

/** `--package DIR` as a folder relative to the repository root. */
function packageDir(root: string, cwd: string, dir: string): string {
  const rel = path.relative(root, path.resolve(cwd, dir)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new SdlcError('InvalidPackage', `The package folder "${dir}" is outside the repository ${root}.`, { usage: true });
  }
  return rel === '' ? '.' : rel;
}

/** The package holding cwd; `.` in a single-package repository; null at the top of a monorepo. */
function cwdPackage(root: string, cwd: string, dirs: string[]): string | null {
  if (dirs.length === 1 && dirs[0] === '.') return '.';
  const rel = path.relative(root, cwd).split(path.sep).join('/');
  const inside = owningPackage(dirs.filter((d) => d !== '.'), `${rel}/`);
  return inside;
}

function document(plan: ReleasePlan, applied: AppliedRelease | null): BumpDocument {
  return {
    package: plan.package,
    current: plan.current,
    next: plan.next,
    releaseType: plan.releaseType,
    reason: plan.reason,
    tag: plan.tag,
    commits: plan.commits,
    changelog: plan.changelog,
    files: plan.files.map((f) => f.path),
    packageDir: plan.packageDir,
    previousTag: plan.previousTag,
    warnings: plan.warnings,
    dryRun: applied === null,
    commit: applied?.commit ?? null,
    pushed: applied?.pushed ?? false,
  };
}

export function formatBump(docs: BumpDocument[], applied: AppliedRelease | null, dryRun: boolean): string {
  const lines: string[] = [];
  for (const d of docs) {
    lines.push(`${d.package}${d.packageDir !== '.' ? ` (${d.packageDir})` : ''}: ${d.current} → ${d.next} (${d.releaseType}: ${d.reason})`);
    lines.push(`  tag      ${d.tag}${d.previousTag ? ` (previous ${d.previousTag})` : ' (first release)'}`);
    lines.push(`  commits  ${d.commits.length}`);
    lines.push(`  files    ${d.files.join(', ')}`);
    for (const w of d.warnings) lines.push(`  warning: ${w}`);
  }
  if (dryRun) lines.push('', 'Dry run: nothing was changed.', '', ...docs.map((d) => d.changelog));
  else if (applied) {
    lines.push('', `Committed ${applied.commit.slice(0, 7)} and tagged ${applied.tags.join(', ')}${applied.pushed ? `; pushed to ${applied.remote}` : ' (not pushed: use --push, or git push --follow-tags)'}.`);
  }
  return lines.join('\n');
}
