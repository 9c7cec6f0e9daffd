/**
 * `sdlc bump [auto|major|minor|patch|prerelease|X.Y.Z] [--preid ID] [--package DIR] [--dry-run] [--push]`:
 * plans the release (recommended bump from conventional commits by default) and applies it as one
 * transaction (files, commit, annotated tag, optional push), recorded in the audit log.
 *
 * Which package: `--package DIR` (relative to --cwd); else the package folder holding --cwd; else,
 * in a monorepo, every package that changed since its own tag (one commit, one tag each; the JSON
 * is then `{ packages: [...], files, commit, tags, pushed }`).
 *
 * A real run takes the repository's change lock BEFORE planning (a second bump is refused at once),
 * finishes or undoes a change a crash left behind (`recovered` in the JSON), and turns SIGINT /
 * SIGTERM into the release's abort signal: the process exits only after the rollback. `--dry-run`
 * writes nothing: it runs the same checks and reports a pending interrupted change instead.
 * `--recover` only deals with an interrupted change.
 */
import { promises as fs } from 'node:fs';
import semver from 'semver';
import * as path from 'node:path';
import { resolveActor } from '../core/audit/actor';
import { AuditLog, resolveAuditPath } from '../core/audit/auditLog';
import { assertValidConfig, formatProblem, loadConfig, type SdlcConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import type { Git, GitHubRepoRef } from '../core/git/git';
import { parseRemoteConfig, REMOTE_CONFIG_ARGS } from '../core/git/snapshotParsers';
import { parseGitHubRemote } from '../core/github/remote';
import { owningPackage } from '../core/versioning/monorepo';
import { isReleaseType, RELEASE_TYPES } from '../core/versioning/nextVersion';
import { sharedWarnings, type ReleasePlan } from '../core/versioning/plan';
import { listPackages, planRepository, type PlanRepositoryOptions } from '../core/versioning/service';
import { applyRelease, checkReleasePlans, type AppliedRelease } from '../core/versioning/release';
import { describePending, filesBeforePending, pendingChange, prepareChange, type PreparedChange, type Recovery } from '../core/transaction/change';
import { checkRelativePath, isInside } from '../core/transaction/containment';
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
  /** The ecosystem whose manifest holds the version (npm, lerna, cargo, python, …); null when only tags do. */
  ecosystem: string | null;
  /** Where the version lives, in one line. */
  where: string | null;
  /** Where `current` comes from: manifest, tag (no manifest, or a placeholder behind the tag) or none. */
  currentSource: string | null;
  previousTag: string | null;
  warnings: string[];
  dryRun: boolean;
  /** The release commit; null with --dry-run. */
  commit: string | null;
  pushed: boolean;
  /** An interrupted change (crash, kill -9) this run finished or undid first; null when there was none. */
  recovered: Recovery | null;
}

export async function bumpCommand(context: CliContext, args: { positionals: string[]; values: OptionValues }): Promise<CommandOutput> {
  const bump = checkBump(args.positionals[0] ?? 'auto');
  const dryRun = args.values['dry-run'] === true;
  const push = args.values.push === true;
  const recoverOnly = args.values.recover === true;
  if (dryRun && push) throw new SdlcError('BadUsage', '--dry-run and --push exclude each other: a dry run changes nothing, so there is nothing to push.', { usage: true });
  if (recoverOnly && (dryRun || push)) throw new SdlcError('BadUsage', '--recover only finishes or undoes an interrupted change; it takes neither --dry-run nor --push.', { usage: true });
  const preid = typeof args.values.preid === 'string' ? args.values.preid : undefined;

  const git = await context.openRepository();
  // Independent reads start together (they run side by side: read-only git calls); each is awaited
  // where its answer is needed, errors in the order the sequential code gave them. A real run reads
  // HEAD and any interrupted change under the change lock, so only a dry run starts them here.
  const github = settle(githubOf(git, context.env));
  const facts = dryRun ? headAndShallow(git) : undefined;
  const head = facts ? settle(facts.then((f) => f.head)) : undefined;
  const pendingP = dryRun ? settle(pendingChange(git)) : undefined;
  const config = await readConfig(context, git.root);
  checkConfiguredPaths(config);
  const base: PlanRepositoryOptions = { bump, preid, config };

  if (dryRun && pendingP) {
    // An interrupted change is reported, and the plan reads its files as the real run will find
    // them once it is undone (nothing is written here).
    // The plan starts while the check runs, as if there were none (the rare interrupted change stops it and plans again).
    const guessing = new AbortController();
    const guess = settle(plan(context, git, base, { github, head }, args.values.package, guessing.signal));
    const pending = await unwrap(pendingP).catch((e: unknown) => {
      guessing.abort();
      throw e;
    });
    const before = pending ? await filesBeforePending(git, pending) : null;
    const readFile = before ? (p: string) => (before.has(p) ? Promise.resolve(before.get(p) ?? null) : fs.readFile(path.join(git.root, ...p.split('/')), 'utf8').catch(() => null)) : undefined;
    if (readFile) guessing.abort();
    const { plans, single } = readFile ? await plan(context, git, { ...base, readFile }, { github, head }, args.values.package, undefined) : await unwrap(guess);
    const warnings: string[] = [];
    const isShallow = facts?.then((f) => f.shallow);
    await checkReleasePlans(git, plans, { shallow: 'warn', warnings, pendingFiles: before ? new Set(before.keys()) : undefined, ...(isShallow ? { isShallow } : {}) });
    if (pending) warnings.unshift(describePending(pending));
    for (const p of plans) p.warnings.push(...warnings);
    return output(plans.map((p) => document(p, null, null)), single, null, true, null);
  }

  const log = new AuditLog(resolveAuditPath(git.root, await git.gitDir(), config.audit?.path), { logger: context.logger });
  const actor = await resolveActor('cli', git, { env: context.env });
  const audit = { log, actor };
  return withSignals(context, async (signal) => {
    const prepared: PreparedChange = await prepareChange(git, { kind: 'version.bump', label: 'release', audit });
    const recovered = prepared.recovered;
    try {
      if (recoverOnly) {
        return {
          json: { recovered },
          text: recovered ? recovered.message : 'Nothing to recover: no change was interrupted in this repository.',
        };
      }
      const { plans, single } = await plan(context, git, base, { github }, args.values.package, signal);
      const applied = await applyRelease(git, plans, { push, audit, signal, prepared });
      for (const p of plans) p.warnings.push(...applied.warnings);
      return output(plans.map((p) => document(p, applied, recovered)), single, applied, false, recovered);
    } catch (e) {
      // The recovery happened even though the release did not: say so.
      if (recovered && e instanceof SdlcError) throw new SdlcError(e.code, `${recovered.message} ${e.message}`, { usage: e.usage, cause: e });
      throw e;
    } finally {
      await prepared.lock.release();
    }
  });
}

/**
 * Reads started before the plan needs them. The GitHub remote (for changelog links) is read before
 * the change lock, as it always was; HEAD only in a dry run (a real run reads it under the lock).
 */
interface EarlyReads {
  github: Promise<Settled<GitHubRepoRef | null>>;
  head?: Promise<Settled<string>>;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (no unhandled rejection while it waits for its turn); `unwrap` rethrows. */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function unwrap<T>(p: Promise<Settled<T>>): Promise<T> {
  const r = await p;
  if (r.ok) return r.value;
  throw r.error;
}

/** HEAD's commit, '' in a repository without commits. */
async function headCommit(git: Git): Promise<string> {
  return (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { readOnly: true }).catch(() => '')).trim();
}

/**
 * HEAD's commit ('' when there is none) and whether the clone is shallow, in one process (a dry run
 * asks both; each git process costs 10–40 ms). `--verify` exits 1 without HEAD: then only the
 * shallow line was printed, and the answer is read from the error path as "no HEAD".
 */
async function headAndShallow(git: Git): Promise<{ head: string; shallow: boolean }> {
  const out = await git.run(['rev-parse', '--is-shallow-repository', '--verify', '--quiet', 'HEAD^{commit}'], { readOnly: true }).catch(() => null);
  if (out === null) return { head: '', shallow: (await git.run(['rev-parse', '--is-shallow-repository'], { readOnly: true }).catch(() => '')).trim() === 'true' };
  const [shallow, head] = out.split('\n').map((l) => l.trim());
  return { head: head ?? '', shallow: shallow === 'true' };
}

/** Plans through the planning service (the Versions view uses the same): one package, or every changed one. */
async function plan(
  context: CliContext,
  git: Git,
  base: PlanRepositoryOptions,
  early: EarlyReads,
  packageOption: OptionValues[string],
  signal: AbortSignal | undefined,
): Promise<{ plans: ReleasePlan[]; single: boolean }> {
  const packages = settle(listPackages(git.root, base.config, base.readFile));
  const head = await unwrap(early.head ?? settle(headCommit(git)));
  if (!head) throw new SdlcError('EmptyRepository', 'The repository has no commits yet, so there is nothing to release. Commit something first.', { usage: true });
  const { dirs, units } = await unwrap(packages);
  const chosen = typeof packageOption === 'string' ? await packageDir(git.root, context.cwd, packageOption) : cwdPackage(git.root, context.cwd, dirs, units);
  const single = chosen !== null;
  // The GitHub repository (for the changelog's links) is still being read: the plan waits for it only at the changelog.
  const github = unwrap(early.github);
  github.catch(() => undefined); // awaited by the plan (unless it fails before)
  const result = await planRepository(git, { ...base, github, signal, ...(chosen !== null ? { only: [chosen] } : {}) });
  // A package that could not be planned stops the release: nothing is half done.
  for (const p of result.packages) if (p.state.status === 'error') throw p.state.error;
  const plans = result.plans;
  for (const p of plans) for (const w of result.warnings) if (!p.warnings.includes(w)) p.warnings.push(w);
  if (!single && plans.length === 0) {
    throw new SdlcError('NothingToRelease', `No package of ${dirs.join(', ')} changed since its last release tag: nothing to release.`, { usage: true });
  }
  return { plans, single };
}

function output(docs: BumpDocument[], single: boolean, applied: AppliedRelease | null, dryRun: boolean, recovered: Recovery | null): CommandOutput {
  const json = single ? docs[0] : { packages: docs, files: [...new Set(docs.flatMap((d) => d.files))], tags: docs.map((d) => d.tag), commit: applied?.commit ?? null, pushed: applied?.pushed ?? false, dryRun, recovered };
  // The text is made only when it is printed (not with --json).
  return {
    json,
    get text() {
      return (recovered ? `${recovered.message}\n\n` : '') + formatBump(docs, applied, dryRun);
    },
  };
}

/**
 * Runs `task` with SIGINT / SIGTERM turned into its abort signal: the release rolls back and the
 * process exits after that (with the Cancelled error), not in the middle of it. A second signal
 * while rolling back is ignored (kill -9 still works, and the next run recovers from the journal).
 */
async function withSignals<T>(context: CliContext, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    context.logger.warn(`${name} received: stopping the release and undoing what it did…`);
    controller.abort(new SdlcError('Cancelled', `The release was cancelled (${name}).`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await task(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Paths from `.sdlc.json` that the release writes must be relative and inside the repository — before anything is read. */
function checkConfiguredPaths(config: SdlcConfig): void {
  const changelog = config.versioning?.changelog;
  if (typeof changelog === 'string') checkRelativePath(changelog, { what: 'versioning.changelog of .sdlc.json' });
  for (const vf of config.versioning?.versionFiles ?? []) checkRelativePath(vf.path, { what: 'A path in versioning.versionFiles of .sdlc.json' });
}

/** Bad input is refused before anything is read: a release type, `auto`, or a semantic version. */
function checkBump(bump: string): string {
  if (bump === 'auto' || isReleaseType(bump)) return bump;
  if (!semver.valid(bump.replace(/^v(?=\d)/, ''))) {
    throw new SdlcError('InvalidVersion', `"${bump}" is neither a release type (auto, ${RELEASE_TYPES.join(', ')}) nor a semantic version such as 1.2.3.`, { usage: true });
  }
  return bump;
}

async function readConfig(context: CliContext, root: string): Promise<SdlcConfig> {
  const loaded = await loadConfig(root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  return assertValidConfig(loaded);
}

/**
 * The GitHub repository of the upstream remote of the current branch (else `origin`), for links in
 * the changelog. Two git reads side by side: the current branch's `%(upstream:remotename)` (the
 * branches at HEAD's commit, the current one marked `*`) and every remote's fetch URL
 * (their configuration, as the snapshot reads it: url.<base>.insteadOf applied, as `remote get-url`
 * gives it).
 */
export async function githubOf(git: Pick<Git, 'run'>, env: NodeJS.ProcessEnv): Promise<GitHubRepoRef | null> {
  const read = (args: readonly string[]) => git.run([...args], { readOnly: true }).catch(() => '');
  const [atHead, remotes] = await Promise.all([read(['for-each-ref', '--points-at=HEAD', '--format=%(HEAD)%(upstream:remotename)', 'refs/heads/']), read(REMOTE_CONFIG_ARGS)]);
  const current = atHead.split('\n').find((l) => l.startsWith('*'));
  const remoteOfBranch = current ? current.slice(1).trim() : '';
  const urls = new Map(parseRemoteConfig(remotes).map((r) => [r.name, r.fetchUrl?.trim()]));
  for (const remote of [remoteOfBranch, 'origin'].filter(Boolean)) {
    const url = urls.get(remote);
    if (url) return parseGitHubRemote(url, { enterpriseHosts: enterpriseHostsFromEnv(env) });
  }
  return null;
}

/** `--package DIR` as a folder relative to the repository root; it must exist. */
async function packageDir(root: string, cwd: string, dir: string): Promise<string> {
  const rel = path.relative(root, path.resolve(cwd, dir)).split(path.sep).join('/');
  if (!isInside(root, path.resolve(cwd, dir))) {
    throw new SdlcError('InvalidPackage', `The package folder "${dir}" is outside the repository ${root}.`, { usage: true });
  }
  const stat = await fs.stat(path.join(root, ...rel.split('/'))).catch(() => null);
  if (!stat?.isDirectory()) {
    throw new SdlcError('InvalidPackage', `The package folder "${dir}" does not exist: there is no such folder in ${root}. Give a package folder, e.g. one listed in "packages" of .sdlc.json.`, { usage: true });
  }
  return rel === '' ? '.' : rel;
}

/** The package holding cwd; `.` in a single-package repository; null at the top of a monorepo. */
function cwdPackage(root: string, cwd: string, dirs: string[], units: Array<{ dir: string; members: string[] }> = []): string | null {
  if (dirs.length === 1 && dirs[0] === '.') return '.';
  const rel = path.relative(root, cwd).split(path.sep).join('/');
  const inside = owningPackage(dirs.filter((d) => d !== '.'), `${rel}/`);
  if (inside !== null) return inside;
  // Inside a member of a fixed-mode unit: that unit.
  return units.find((u) => u.members.some((m) => `${rel}/`.startsWith(`${m}/`)))?.dir ?? null;
}

function document(plan: ReleasePlan, applied: AppliedRelease | null, recovered: Recovery | null): BumpDocument {
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
    ecosystem: plan.ecosystem ?? null,
    where: plan.where ?? null,
    currentSource: plan.currentSource ?? null,
    previousTag: plan.previousTag,
    warnings: plan.warnings,
    dryRun: applied === null,
    commit: applied?.commit ?? null,
    pushed: applied?.pushed ?? false,
    recovered,
  };
}

export function formatBump(docs: BumpDocument[], applied: AppliedRelease | null, dryRun: boolean): string {
  const lines: string[] = [];
  // A warning every package has (about the repository: its tags, a shallow clone, …) is printed once, after them.
  const shared = sharedWarnings(docs);
  for (const d of docs) {
    lines.push(`${d.package}${d.packageDir !== '.' ? ` (${d.packageDir})` : ''}: ${d.current} → ${d.next} (${d.releaseType}: ${d.reason})`);
    lines.push(`  tag      ${d.tag}${d.previousTag ? ` (previous ${d.previousTag})` : ' (first release)'}`);
    lines.push(`  commits  ${d.commits.length}`);
    lines.push(`  files    ${d.files.join(', ')}`);
    if (d.where) lines.push(`  version  ${d.where}${d.currentSource === 'tag' ? ' (current version from the last tag)' : ''}`);
    for (const w of d.warnings) if (!shared.includes(w)) lines.push(`  warning: ${w}`);
  }
  for (const w of shared) lines.push(`warning (every package): ${w}`);
  if (dryRun) lines.push('', 'Dry run: nothing was changed.', '', ...docs.map((d) => d.changelog));
  else if (applied) {
    lines.push('', `Committed ${applied.commit.slice(0, 7)} and tagged ${applied.tags.join(', ')}${applied.pushed ? `; pushed to ${applied.remote}` : ' (not pushed: use --push, or git push --follow-tags)'}.`);
  }
  return lines.join('\n');
}
