import semver from 'semver';
import * as vscode from 'vscode';
import { resolveActor } from '../../core/audit/actor';
import { assertValidConfig, loadConfig } from '../../core/config/config';
import { SdlcError, errorMessage } from '../../core/errors';
import { nextVersion, RELEASE_TYPES, type ReleaseType } from '../../core/versioning/nextVersion';
import { planRelease, type PlanReleaseOptions, type ReleasePlan } from '../../core/versioning/plan';
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
  /** Package folder relative to the repository root (default: the package of the active editor, or the root). */
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
  tag: string;
  next: string;
  commit: string;
  pushed: boolean;
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
  dir: string;
  args: BumpArgs;
}

type PickItem = vscode.QuickPickItem & { bump?: string; ask?: 'prerelease' | 'exact' };

export function versionCommands({ repos, versions, tree, audit, auth, preview, statusBar }: Deps): CommandSpec[] {
  /** The package a command is about: a tree node, `{ repository, package }`, the active editor's, the only one, or a pick. */
  async function target(arg: unknown): Promise<Target> {
    if (isVersionNode(arg) && arg.pkg) return { repo: arg.pkg.repo, dir: arg.pkg.dir, args: {} };
    const args = (typeof arg === 'object' && arg !== null ? arg : {}) as BumpArgs;
    await versions.settled();
    if (args.repository) {
      const repo = repos.find(args.repository);
      if (!repo) throw new SdlcError('NotARepository', `${args.repository} is not one of the workspace's repositories.`, { usage: true });
      return { repo, dir: args.package ?? versions.packages.find((p) => p.repo === repo && p.dir !== '.' && isActive(p.absoluteDir))?.dir ?? '.', args };
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
    const pick = await vscode.window.showQuickPick(
      all.map((p) => ({ label: p.name, description: p.current ?? '', detail: p.repo.root + (p.dir === '.' ? '' : `/${p.dir}`), pkg: p })),
      { placeHolder: 'Choose the package to release' },
    );
    if (!pick) throw new Cancelled();
    return { repo: pick.pkg.repo, dir: pick.pkg.dir, args };
  }

  async function withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return vscode.window.withProgress({ location: { viewId: ViewIds.versions } }, () => work(controller.signal));
    });
  }

  async function planOptions(repo: RepositoryModel, dir: string): Promise<PlanReleaseOptions> {
    const config = assertValidConfig(await loadConfig(repo.root));
    return { packageDir: dir, tagFormat: config.versioning?.tagFormat, changelog: config.versioning?.changelog, github: repo.githubRemote()?.github ?? null };
  }

  /** Quick pick: recommended first (with its reason), then patch / minor / major / prerelease / exact. */
  async function askBump(base: PlanReleaseOptions, repo: RepositoryModel): Promise<{ bump: string; preid?: string }> {
    const { recommended, current } = await withProgress('Reading commits since the last release…', async (signal) => {
      try {
        const plan = await planRelease(repo.git, { ...base, bump: 'auto', changelog: false, signal });
        return { recommended: plan, current: plan.current };
      } catch (e) {
        if (!(e instanceof SdlcError && e.code === 'NothingToRelease')) throw e;
        const plan = await planRelease(repo.git, { ...base, bump: 'patch', changelog: false, signal });
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
  function bumpFromArgs(args: BumpArgs): { bump: string; preid?: string } | undefined {
    if (args.version !== undefined) {
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

  async function bump(arg?: unknown): Promise<BumpResult | { tag: string; next: string; files: string[]; previewOnly: true }> {
    const { repo, dir, args } = await target(arg);
    // Callers that skip the prompts get the recommended bump unless they ask for another.
    const given = bumpFromArgs(args) ?? (args.preview === false || args.previewOnly ? { bump: 'auto' } : undefined);
    await repos.refresh(repo);
    const s = repo.snapshot;
    if (!s) throw new SdlcError(repo.error?.code ?? 'Unknown', repo.error?.message ?? 'The repository could not be read.');
    const interactive = args.preview !== false && !args.previewOnly;
    const dirty = s.files.filter((f) => f.status !== '??' && f.status !== '!!');
    if (dirty.length && interactive) {
      // Same rule as the release transaction, said before the user chooses anything.
      throw new SdlcError('DirtyWorkTree', `The working tree has uncommitted changes (${dirty.slice(0, 10).map((f) => f.path).join(', ')}). Commit or stash them first, so the release commit holds only the release.`, { usage: true });
    }
    const base = await planOptions(repo, dir);
    const chosen = given ?? (await askBump(base, repo));
    const plan = await withProgress('Planning the release…', (signal) => planRelease(repo.git, { ...base, bump: chosen.bump, preid: chosen.preid, signal }));

    let push = args.push === true;
    if (args.preview !== false) {
      const opened = await preview.open(plan);
      if (args.previewOnly) return { tag: plan.tag, next: plan.next, files: plan.files.map((f) => f.path), previewOnly: true };
      try {
        push = await confirmRelease(plan, s.remotes.length > 0);
      } finally {
        await preview.close(opened);
      }
    }

    const log = await audit.logFor(repo.root, repo.git);
    const actor = await resolveActor('vscode', repo.git, { githubLogin: auth.login });
    try {
      const done = await withProgress(`Releasing ${plan.tag}${push ? ' and pushing' : ''}…`, (signal) =>
        applyRelease(repo.git, plan, { push, remote: args.remote, audit: { log, actor }, signal }),
      );
      vscode.window.setStatusBarMessage(`$(tag) Released ${done.tag}${done.pushed ? ` (pushed to ${done.remote})` : ''}`, 5000);
      return { tag: done.tag, next: plan.next, commit: done.commit, pushed: done.pushed };
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

/** The modal after the preview: apply, apply and push (when there is a remote), or cancel. */
async function confirmRelease(plan: ReleasePlan, canPush: boolean): Promise<boolean> {
  const detail = [
    `${plan.package}: ${plan.current} → ${plan.next} (${plan.releaseType}; ${plan.reason})`,
    '',
    `Files: ${plan.files.map((f) => `${f.path}${f.before === null ? ' (new)' : ''}`).join(', ')}`,
    `Commit: chore(release): ${plan.tag}`,
    `Annotated tag: ${plan.tag}`,
    ...plan.warnings.map((w) => `⚠ ${w}`),
  ].join('\n');
  const actions = canPush ? ['Apply', 'Apply and Push'] : ['Apply'];
  const answer = await vscode.window.showInformationMessage(`Apply release ${plan.tag}?`, { modal: true, detail }, ...actions);
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
