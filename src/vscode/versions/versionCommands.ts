import semver from 'semver';
import * as vscode from 'vscode';
import { resolveActor } from '../../core/audit/actor';
import { assertValidConfig, loadConfig } from '../../core/config/config';
import { SdlcError, errorMessage } from '../../core/errors';
import { nextVersion, RELEASE_TYPES, type ReleaseType } from '../../core/versioning/nextVersion';
import type { ReleasePlan } from '../../core/versioning/plan';
import { listPackages, planRepository, type PlanRepositoryOptions } from '../../core/versioning/service';
import { applyRelease } from '../../core/versioning/release';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CommandIds, InternalCommandIds, ViewIds } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { inspectVersions } from './inspect';
import type { ReleasePreviewProvider } from './releasePreview';
import type { VersionStatusBar } from './versionStatusBar';
import { isVersionNode } from './versionsTree';
import type { VersionsTree } from './versionsTree';
import type { VersionsStore } from './versionsStore';

/**
 * What programmatic callers pass instead of a tree node (tests, keybindings, tasks):
 * `executeCommand('sdlc.versions.bump', { repository: '/path', releaseType: 'minor', preview: false })`.
 */
export interface BumpArgs {
  repository?: string;
  /**
   * Package folder relative to the repository root, or `all`: every package that changed since its
   * own tag, released in one commit with one tag each. Default: the package of the active editor,
   * else `all` in a monorepo and the root otherwise.
   */
  package?: string;
  /** `auto` = the recommended bump; `exact` needs `version`. Without it (and `version`) a quick pick asks. */
  releaseType?: 'auto' | 'exact' | ReleaseType;
  /** An exact version: valid semver, greater than the current one. */
  version?: string;
  preid?: string;
  /** `false` applies without showing the diffs or asking (then `push` says whether to push; default no). */
  preview?: boolean;
  /** Opens the preview diffs and returns the plan without applying anything. */
  previewOnly?: boolean;
  push?: boolean;
  remote?: string;
}

export interface BumpResult {
  /** The first tag (the only one unless several packages were released). */
  tag: string;
  next: string;
  commit: string;
  pushed: boolean;
  tags: string[];
  releases: ReleaseSummary[];
  /** What this run did with a release a crash or kill left half-done (null when there was none). */
  recovered?: { action: 'completed' | 'rolled-back'; message: string } | null;
}

export interface ReleaseSummary {
  package: string;
  dir: string;
  current: string;
  next: string;
  tag: string;
  files: string[];
}

interface Deps {
  repos: RepositoryStore;
  versions: VersionsStore;
  tree: VersionsTree;
  audit: AuditService;
  auth: GitHubAuth;
  preview: ReleasePreviewProvider;
  statusBar: VersionStatusBar;
}

interface Target {
  repo: RepositoryModel;
  /** A package folder, or `all` (every changed package of the repository). */
  dir: string;
  args: BumpArgs;
}

/** How a repository's packages are planned: `.sdlc.json` options and the discovered package folders. */
interface Setup {
  /** Options of the planning service (the same one the Versions view and `sdlc bump` use). */
  base: PlanRepositoryOptions;
  dirs: string[];
}

/** The plans of the service; a package that could not be planned stops the release (nothing half done). */
async function plansOf(repo: RepositoryModel, options: PlanRepositoryOptions): Promise<ReleasePlan[]> {
  const result = await planRepository(repo.git, options);
  for (const p of result.packages) if (p.state.status === 'error') throw p.state.error;
  for (const plan of result.plans) for (const w of result.warnings) if (!plan.warnings.includes(w)) plan.warnings.push(w);
  return result.plans;
}

/** The same options without a changelog (quick picks only need the versions). */
function withoutChangelog(base: PlanRepositoryOptions): PlanRepositoryOptions {
  return { ...base, config: { ...base.config, versioning: { ...base.config?.versioning, changelog: false } } };
}

type PickItem = vscode.QuickPickItem & { bump?: string; ask?: 'prerelease' | 'exact' };

export function versionCommands({ repos, versions, tree, audit, auth, preview, statusBar }: Deps): CommandSpec[] {
  /** The package a command is about (or `all` of a repository): a tree node, `{ repository, package }`, the active editor's, the only one, or a pick. */
  async function target(arg: unknown): Promise<Target> {
    if (isVersionNode(arg)) {
      if (arg.kind === 'repository') return { repo: arg.repo, dir: ALL, args: {} };
      if (arg.pkg) return { repo: arg.pkg.repo, dir: arg.pkg.dir, args: {} };
    }
    const args = (typeof arg === 'object' && arg !== null && !isVersionNode(arg) ? arg : {}) as BumpArgs;
    await versions.settled();
    if (args.repository) {
      const repo = repos.find(args.repository);
      if (!repo) throw new SdlcError('NotARepository', `${args.repository} is not one of the workspace's repositories.`, { usage: true });
      if (args.package !== undefined && typeof args.package !== 'string') throw new SdlcError('InvalidArguments', 'package must be a folder of the repository or "all".', { usage: true });
      const active = versions.packages.find((p) => p.repo === repo && p.dir !== '.' && isActive(p.absoluteDir))?.dir;
      return { repo, dir: args.package ?? active ?? (versions.isMonorepo(repo) ? ALL : '.'), args };
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const own = active?.scheme === 'file' ? versions.packageOf(active.fsPath) : undefined;
    if (own) return { repo: own.repo, dir: own.dir, args };
    const all = versions.packages;
    if (all.length === 1) return { repo: all[0].repo, dir: all[0].dir, args };
    if (all.length === 0) {
      if (repos.repositories.length === 0) throw new SdlcError('NoRepository', 'There is no git repository in this workspace.');
      throw new SdlcError('NoPackage', 'No package was found: a package is a repository root with a package.json or a version tag, or a folder listed in "packages" of .sdlc.json.');
    }
    const items = versions.groups.flatMap(({ repo, monorepo, packages }) => [
      ...(monorepo ? [{ label: `$(repo) ${repo.name}: every changed package`, description: 'one commit, one tag per package', detail: repo.root, repo, dir: ALL }] : []),
      ...packages.map((p) => ({ label: p.name, description: p.current ?? '', detail: p.repo.root + (p.dir === '.' ? '' : `/${p.dir}`), repo: p.repo, dir: p.dir })),
    ]);
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Choose the package to release' });
    if (!pick) throw new Cancelled();
    return { repo: pick.repo, dir: pick.dir, args };
  }

  async function withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return vscode.window.withProgress({ location: { viewId: ViewIds.versions } }, () => work(controller.signal));
    });
  }

  async function setup(repo: RepositoryModel): Promise<Setup> {
    const config = assertValidConfig(await loadConfig(repo.root));
    return {
      base: { config, github: repo.githubRemote()?.github ?? null },
      dirs: (await listPackages(repo.root, config)).dirs,
    };
  }

  /** Every changed package of the repository: the recommended bumps first, then one release type for all. */
  async function askBumpAll(how: Setup, repo: RepositoryModel): Promise<{ bump: string; preid?: string }> {
    const plans = await withProgress('Reading commits since the last releases…', (signal) =>
      plansOf(repo, { ...withoutChangelog(how.base), bump: 'auto', signal }),
    );
    if (plans.length === 0) throw nothingChanged(how.dirs);
    const list = (next: (p: ReleasePlan) => string) => plans.map((p) => `${p.package} ${next(p)}`).join(', ');
    const items: PickItem[] = [
      { label: '$(star-full) Recommended', description: list((p) => p.next), detail: plans.map((p) => `${p.package}: ${p.releaseType} (${p.reason})`).join(' · '), bump: 'auto' },
      { label: 'Same release type for every changed package', kind: vscode.QuickPickItemKind.Separator },
    ];
    for (const type of ['patch', 'minor', 'major'] as const) {
      items.push({ label: `$(arrow-up) ${type}`, description: list((p) => nextVersion(p.current, type)), bump: type });
    }
    const pick = await vscode.window.showQuickPick(items, { title: `Release ${plans.length} package${plans.length === 1 ? '' : 's'} of ${repo.name}`, placeHolder: 'Choose the next versions', matchOnDescription: true });
    if (!pick) throw new Cancelled();
    return { bump: pick.bump ?? 'auto' };
  }

  /** Quick pick: recommended first (with its reason), then patch / minor / major / prerelease / exact. */
  async function askBump(base: PlanRepositoryOptions, dir: string, repo: RepositoryModel): Promise<{ bump: string; preid?: string }> {
    const { recommended, current } = await withProgress('Reading commits since the last release…', async (signal) => {
      const quick = { ...withoutChangelog(base), only: [dir], signal };
      try {
        const [plan] = await plansOf(repo, { ...quick, bump: 'auto' });
        return { recommended: plan, current: plan.current };
      } catch (e) {
        if (!(e instanceof SdlcError && e.code === 'NothingToRelease')) throw e;
        const [plan] = await plansOf(repo, { ...quick, bump: 'patch' });
        return { recommended: null, current: plan.current };
      }
    });
    const baseType = recommended && ['major', 'minor', 'patch'].includes(recommended.releaseType) ? (recommended.releaseType as 'major' | 'minor' | 'patch') : undefined;
    const tryNext = (type: string, preid?: string) => {
      try {
        return nextVersion(current, type, { preid, recommended: baseType });
      } catch {
        return undefined;
      }
    };
    const items: PickItem[] = [];
    if (recommended) {
      items.push({ label: `$(star-full) ${recommended.next}`, description: `${recommended.releaseType} — recommended`, detail: recommended.reason, bump: 'auto' });
    } else {
    }
    items.push({ label: recommended ? 'Release type' : `Nothing to release: no commits since ${current}`, kind: vscode.QuickPickItemKind.Separator });
    for (const type of ['patch', 'minor', 'major'] as const) {
      const next = tryNext(type);
      if (next) items.push({ label: `$(arrow-up) ${next}`, description: type, bump: type });
    }
    if (semver.prerelease(current)) {
      const next = tryNext('promote');
      if (next) items.push({ label: `$(verified) ${next}`, description: 'promote the prerelease', bump: 'promote' });
    }
    const pre = tryNext('prerelease', String(semver.prerelease(current)?.[0] ?? 'rc'));
    items.push({ label: '$(beaker) Prerelease…', description: pre ? `e.g. ${pre}` : 'asks for the prerelease id', ask: 'prerelease' });
    items.push({ label: '$(edit) Exact version…', description: `greater than ${current}`, ask: 'exact' });
    const pick = await vscode.window.showQuickPick(items, { title: `Bump ${current}`, placeHolder: 'Choose the next version', matchOnDescription: true, matchOnDetail: true });
    if (!pick) throw new Cancelled();
    if (pick.ask === 'prerelease') {
      const preid = await vscode.window.showInputBox({
        title: 'Prerelease',
        prompt: 'Prerelease id (e.g. rc, beta, alpha)',
        value: String(semver.prerelease(current)?.[0] ?? 'rc'),
        validateInput: (v) => validate(() => `Next version: ${nextVersion(current, 'prerelease', { preid: v, recommended: baseType })}`),
      });
      if (preid === undefined) throw new Cancelled();
      return { bump: 'prerelease', preid: preid.trim() };
    }
    if (pick.ask === 'exact') {
      const version = await vscode.window.showInputBox({
        title: 'Exact version',
        prompt: `A semantic version greater than ${current}`,
        placeHolder: tryNext('patch'),
        validateInput: (v) => (v.trim() === '' ? 'Enter a version such as 1.2.3' : validate(() => nextVersion(current, v.trim()), true)),
      });
      if (version === undefined) throw new Cancelled();
      return { bump: version.trim() };
    }
    return { bump: pick.bump ?? 'auto' };
  }

  /** The bump the arguments ask for, checked before anything is read. */
  function bumpFromArgs(args: BumpArgs, all: boolean): { bump: string; preid?: string } | undefined {
    if (args.version !== undefined) {
      if (all) throw new SdlcError('InvalidArguments', 'An exact version is for one package: give its folder as package.', { usage: true });
      if (typeof args.version !== 'string' || !semver.valid(args.version.trim().replace(/^v(?=\d)/, ''))) {
        throw new SdlcError('InvalidVersion', `"${String(args.version)}" is not a semantic version such as 1.2.3.`, { usage: true });
      }
      return { bump: args.version.trim(), preid: args.preid };
    }
    if (args.releaseType === undefined) return undefined;
    if (args.releaseType === 'exact') throw new SdlcError('InvalidArguments', 'releaseType "exact" needs a version (e.g. { version: "2.0.0" }).', { usage: true });
    if (args.releaseType !== 'auto' && !(RELEASE_TYPES as readonly string[]).includes(args.releaseType)) {
      throw new SdlcError('InvalidArguments', `Unknown release type "${String(args.releaseType)}": use auto, ${RELEASE_TYPES.join(', ')} or exact.`, { usage: true });
    }
    return { bump: args.releaseType, preid: args.preid };
  }

  async function bump(arg?: unknown): Promise<BumpResult | { tag: string; tags: string[]; next: string; files: string[]; releases: ReleaseSummary[]; previewOnly: true }> {
    const { repo, dir, args } = await target(arg);
    const all = dir === ALL;
    // Callers that skip the prompts get the recommended bump unless they ask for another.
    const given = bumpFromArgs(args, all) ?? (args.preview === false || args.previewOnly ? { bump: 'auto' } : undefined);
    await repos.refresh(repo);
    const s = repo.snapshot;
    if (!s) throw new SdlcError(repo.error?.code ?? 'Unknown', repo.error?.message ?? 'The repository could not be read.');
    const interactive = args.preview !== false && !args.previewOnly;
    const dirty = s.files.filter((f) => f.status !== '??' && f.status !== '!!');
    if (dirty.length && interactive) {
      // Same rule as the release transaction, said before the user chooses anything.
      throw new SdlcError('DirtyWorkTree', `The working tree has uncommitted changes (${dirty.slice(0, 10).map((f) => f.path).join(', ')}). Commit or stash them first, so the release commit holds only the release.`, { usage: true });
    }
    const how = await setup(repo);
    const chosen = given ?? (all ? await askBumpAll(how, repo) : await askBump(how.base, dir, repo));
    // Planned together even for one package: its dependents' ranges on it follow the new version.
    const plans = await withProgress('Planning the release…', (signal) =>
      plansOf(repo, { ...how.base, bump: chosen.bump, preid: chosen.preid, signal, ...(all ? {} : { only: [dir] }) }),
    );
    if (plans.length === 0) throw nothingChanged(how.dirs);
    const releases = plans.map(summary);
    const tags = plans.map((p) => p.tag);

    let push = args.push === true;
    if (args.preview !== false) {
      const opened = await preview.open(plans);
      if (args.previewOnly) return { tag: tags[0], tags, next: plans[0].next, files: plans.flatMap((p) => p.files.map((f) => f.path)), releases, previewOnly: true };
      try {
        push = await confirmRelease(plans, s.remotes.length > 0);
      } finally {
        await preview.close(opened);
      }
    }

    const log = await audit.logFor(repo.root, repo.git);
    const actor = await resolveActor('vscode', repo.git, { githubLogin: auth.login });
    try {
      const done = await withProgress(`Releasing ${tags.join(', ')}${push ? ' and pushing' : ''}…`, (signal) =>
        applyRelease(repo.git, plans, { push, remote: args.remote, audit: { log, actor }, signal }),
      );
      vscode.window.setStatusBarMessage(`$(tag) Released ${done.tags.join(', ')}${done.pushed ? ` (pushed to ${done.remote})` : ''}`, 5000);
      // A release interrupted earlier (editor or CLI killed) was finished or undone first: say so.
      if (done.recovered) void vscode.window.showInformationMessage(done.recovered.message);
      if (done.warnings.length) void vscode.window.showWarningMessage(done.warnings.join(' '));
      const recovered = done.recovered ? { action: done.recovered.action, message: done.recovered.message } : null;
      return { tag: done.tag, tags: done.tags, next: plans[0].next, commit: done.commit, pushed: done.pushed, releases, recovered };
    } finally {
      await repos.refresh(repo).catch(() => undefined);
      await versions.reload(repo, true).catch(() => undefined);
    }
  }

  return [
    { id: CommandIds.refreshVersions, run: () => versions.refreshAll() },
    { id: CommandIds.bumpVersion, run: bump, needsTrust: true },
    { id: InternalCommandIds.inspectVersions, run: () => inspectVersions(versions, tree, statusBar) },
  ];
}

/** `package: 'all'`, and a repository node: every package that changed since its own tag. */
const ALL = 'all';

function nothingChanged(dirs: readonly string[]): SdlcError {
  return new SdlcError('NothingToRelease', `No package of ${dirs.join(', ')} changed since its last release tag: nothing to release.`, { usage: true });
}

function summary(plan: ReleasePlan): ReleaseSummary {
  return { package: plan.package, dir: plan.packageDir, current: plan.current, next: plan.next, tag: plan.tag, files: plan.files.map((f) => f.path) };
}

/** The modal after the preview: apply, apply and push (when there is a remote), or cancel. */
async function confirmRelease(plans: ReleasePlan[], canPush: boolean): Promise<boolean> {
  const tags = plans.map((p) => p.tag);
  const files = plans.flatMap((p) => p.files);
  const detail = [
    ...plans.map((p) => `${p.package}: ${p.current} → ${p.next} (${p.releaseType}; ${p.reason})`),
    '',
    `Files: ${files.map((f) => `${f.path}${f.before === null ? ' (new)' : ''}`).join(', ')}`,
    `Commit: chore(release): ${tags.join(', ')}`,
    `Annotated tag${tags.length === 1 ? '' : 's'}: ${tags.join(', ')}`,
    ...plans.flatMap((p) => p.warnings.map((w) => `⚠ ${w}`)),
  ].join('\n');
  const actions = canPush ? ['Apply', 'Apply and Push'] : ['Apply'];
  const answer = await vscode.window.showInformationMessage(`Apply release ${tags.join(', ')}?`, { modal: true, detail }, ...actions);
  if (!answer) throw new Cancelled();
  return answer === 'Apply and Push';
}

function validate(check: () => string, silentOnSuccess = false): vscode.InputBoxValidationMessage | string | undefined {
  try {
    const message = check();
    return silentOnSuccess ? undefined : { message, severity: vscode.InputBoxValidationSeverity.Info };
  } catch (e) {
    return errorMessage(e);
  }
}

function isActive(dir: string): boolean {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && (uri.fsPath === dir || uri.fsPath.startsWith(dir + '/'));
}
