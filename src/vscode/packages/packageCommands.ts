import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveActor } from '../../core/audit/actor';
import { assertValidConfig, loadConfig } from '../../core/config/config';
import { SdlcError, errorMessage } from '../../core/errors';
import { Releases, type ReleaseInfo } from '../../core/github/releases';
import { artifactsOf, buildPackages, changelogSection, deleteArtifact, deleteBuild, type ArtifactInfo } from '../../core/packaging';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CommandIds, InternalCommandIds } from '../ids';
import { inspectPackages } from './inspect';
import type { PackagesModel, PackagesStore } from './packagesStore';
import { isPackagesNode, type PackagesNode, type PackagesTree } from './packagesTree';

/** `executeCommand('sdlc.packages.build', { repository, target?, fromTag?, checkReproducible? })`. */
export interface BuildArgs {
  repository?: string;
  target?: string;
  fromTag?: string;
  checkReproducible?: boolean;
}

/** `executeCommand('sdlc.packages.publish', { repository, tag?, assets?, notes?, draft?, prerelease?, latest?, preview?, pushTag? })`. */
export interface PublishArgs {
  repository?: string;
  tag?: string;
  /** Files to attach; default the artifacts built for the tag's version. */
  assets?: string[];
  notes?: string;
  draft?: boolean;
  prerelease?: boolean;
  latest?: boolean;
  /** false: no Markdown preview and no confirmation. */
  preview?: boolean;
  /** Push the tag when GitHub lacks it (default: ask; false without preview). */
  pushTag?: boolean;
  onFailure?: 'keep' | 'delete';
  replace?: boolean;
}

interface Deps {
  store: PackagesStore;
  tree: PackagesTree;
  audit: AuditService;
  auth: GitHubAuth;
  log: vscode.LogOutputChannel;
}

function argsOf<T extends object>(arg: unknown): Partial<T> {
  return arg && typeof arg === 'object' && !isPackagesNode(arg) ? (arg as Partial<T>) : {};
}

async function pickModel(store: PackagesStore, repository: string | undefined, node?: PackagesNode): Promise<PackagesModel> {
  await store.settled();
  if (node && 'model' in node) return node.model;
  if (repository) {
    const m = store.find(path.resolve(repository));
    if (!m) throw new SdlcError('NotARepository', `${repository} is not a repository of this workspace.`, { usage: true });
    return m;
  }
  const all = store.list();
  if (all.length === 0) throw new SdlcError('NoRepositories', 'No git repository is open.', { usage: true });
  if (all.length === 1) return all[0];
  const pick = await vscode.window.showQuickPick(all.map((m) => ({ label: m.repo.name, description: m.repo.root, m })), { placeHolder: 'Which repository?' });
  if (!pick) throw new Cancelled();
  return pick.m;
}

/**
 * Shows `markdown` as a Markdown preview (of a temporary file: no untitled editor left asking to be
 * saved) while `ask` runs, then closes the preview and removes the file.
 */
async function withNotesPreview<T>(tag: string, markdown: string, ask: () => Thenable<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-notes-'));
  const file = path.join(dir, `${tag.replace(/[^\w.@-]+/g, '_')} release notes.md`);
  try {
    await fs.writeFile(file, markdown);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, async () => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true }));
    return await ask();
  } finally {
    const label = `Preview ${path.basename(file)}`;
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === label || (t.input instanceof vscode.TabInputText && t.input.uri.fsPath === file));
    if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Semver-like tags, newest first. */
async function releaseTags(model: PackagesModel): Promise<string[]> {
  const out = await model.repo.git.run(['tag', '--list', '--sort=-v:refname']);
  return out.split('\n').map((t) => t.trim()).filter((t) => /^(?:.*@)?v?\d+\.\d+\.\d+/.test(t));
}

export function packageCommands(deps: Deps): CommandSpec[] {
  const { store, audit, auth, log } = deps;

  const build = async (arg?: unknown): Promise<{ artifacts: ArtifactInfo[] }> => {
    const node = isPackagesNode(arg) ? arg : undefined;
    const a = argsOf<BuildArgs>(arg);
    const model = await pickModel(store, a.repository, node);
    let target = a.target ?? (node?.kind === 'target' ? node.target.name : undefined);
    let fromTag = a.fromTag;
    let checkReproducible = a.checkReproducible;
    const interactive = a.target === undefined && a.fromTag === undefined && a.checkReproducible === undefined && !node;
    if (interactive) {
      const targets = model.targets;
      if (targets.length > 1) {
        const pick = await vscode.window.showQuickPick([{ label: 'All targets', name: undefined as string | undefined }, ...targets.map((t) => ({ label: t.name, description: t.kind, name: t.name as string | undefined }))], { placeHolder: 'Build which target?' });
        if (!pick) throw new Cancelled();
        target = pick.name;
      }
      const tags = await releaseTags(model);
      const how = await vscode.window.showQuickPick(
        [
          { label: '$(folder) Working tree', id: 'tree' },
          ...(tags[0] ? [{ label: `$(tag) Release artifacts for ${tags[0]}`, description: 'clean worktree of the tag', id: `tag:${tags[0]}` }] : []),
          { label: '$(tag) From another tag…', id: 'other' },
          { label: '$(check-all) Check reproducibility', description: 'build twice in clean worktrees and compare', id: 'repro' },
        ],
        { placeHolder: 'Build from' },
      );
      if (!how) throw new Cancelled();
      if (how.id.startsWith('tag:')) fromTag = how.id.slice(4);
      if (how.id === 'repro') checkReproducible = true;
      if (how.id === 'other') {
        const tag = await vscode.window.showQuickPick(tags, { placeHolder: 'Tag to build' });
        if (!tag) throw new Cancelled();
        fromTag = tag;
      }
    }
    const log2 = await audit.logFor(model.repo.root, model.repo.git);
    const actor = await resolveActor('vscode', model.repo.git, { githubLogin: auth.login });
    const built = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${target ?? 'packages'}${fromTag ? ` from ${fromTag}` : ''}`, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return buildPackages({
          root: model.repo.root,
          target,
          fromTag,
          checkReproducible,
          signal: controller.signal,
          logger: log,
          onProgress: (m) => progress.report({ message: m }),
          onOutput: (text) => {
            for (const line of text.split(/\r?\n/)) if (line.trim()) log.info(`[Packages] ${line}`);
          },
          audit: { log: log2, actor },
        });
      },
    );
    await store.refresh();
    const artifacts = artifactsOf(built);
    const bad = built.filter((b) => b.record.reproducible && !b.record.reproducible.ok);
    const summary = `Built ${artifacts.length} artifact${artifacts.length === 1 ? '' : 's'}: ${artifacts.map((x) => x.name).join(', ')}`;
    if (bad.length) void vscode.window.showWarningMessage(`${summary}. Not reproducible: ${bad.flatMap((b) => b.record.reproducible?.differs.map((d) => d.name) ?? []).join(', ')}`);
    else void vscode.window.showInformationMessage(summary + (checkReproducible ? ' (reproducible)' : ''));
    return { artifacts };
  };

  const auditedReleases = async (model: PackagesModel) => {
    const r = await store.releasesFor(model);
    const github = await auth.github();
    if (!github) throw new SdlcError('SignedOut', 'Sign in to GitHub first.', { usage: true });
    return new Releases(github, r.repo, { logger: log, token: (await auth.token())?.token, audit: { log: await audit.logFor(model.repo.root, model.repo.git), actor: await resolveActor('vscode', model.repo.git, { githubLogin: auth.login }), repository: model.repo.root } });
  };

  const publish = async (arg?: unknown) => {
    const node = isPackagesNode(arg) ? arg : undefined;
    const a = argsOf<PublishArgs>(arg);
    const model = await pickModel(store, a.repository, node);
    const interactive = a.preview !== false;
    const tags = await releaseTags(model);
    let tag = a.tag ?? (node?.kind === 'release' ? node.release.tag : undefined);
    if (!tag) {
      if (!interactive) tag = tags[0];
      else {
        const pick = await vscode.window.showQuickPick(tags, { placeHolder: 'Tag to release (newest first)' });
        if (!pick) throw new Cancelled();
        tag = pick;
      }
    }
    if (!tag) throw new SdlcError('TagNotFound', 'There is no release tag to publish. Bump the version first (SDLC: Bump Version…).', { usage: true });
    const version = tag.replace(/^(?:.*@)?v?/, '');
    const config = assertValidConfig(await loadConfig(model.repo.root));
    let notes = a.notes;
    if (notes === undefined && config.versioning?.changelog !== false) {
      const file = path.join(model.repo.root, config.versioning?.changelog ?? 'CHANGELOG.md');
      const text = await vscode.workspace.fs.readFile(vscode.Uri.file(file)).then((b) => Buffer.from(b).toString('utf8'), () => null);
      notes = (text && changelogSection(text, version)) ?? undefined;
    }
    const assets = a.assets ?? model.builds.filter((b) => b.record.version === version).flatMap((b) => b.record.artifacts.flatMap((x) => [path.join(b.folder, x.name), ...(x.sbom ? [path.join(b.folder, x.sbom)] : [])]));
    const releases = await auditedReleases(model);
    let draft = a.draft ?? false;
    if (interactive) {
      const names = [...assets.map((f) => path.basename(f)), 'SHA256SUMS'];
      const choice = await withNotesPreview(tag, `# ${tag}\n\n${notes ?? '_GitHub will generate the notes from the pull requests and commits since the previous release._\n'}\n---\n\n**Assets**\n\n${names.map((n) => `- ${n}`).join('\n')}\n`, () =>
        vscode.window.showInformationMessage(
          `Publish the GitHub release ${tag} with ${assets.length} asset${assets.length === 1 ? '' : 's'} + SHA256SUMS?`,
          { modal: true, detail: `Assets: ${names.join(', ')}\nNotes: ${notes !== undefined ? `the ${version} section of the changelog` : "GitHub's generated notes"} (preview beside).\n\nPublish: created as a draft, each asset uploaded and its size checked, then made public. Publish as Draft: the same, left as a draft.` },
          'Publish',
          'Publish as Draft',
        ),
      );
      if (!choice) throw new Cancelled();
      draft = choice === 'Publish as Draft';
    }
    if (!(await releases.remoteHasTag(tag))) {
      const remote = model.repo.githubRemote();
      const push = a.pushTag ?? (interactive ? (await vscode.window.showWarningMessage(`GitHub has no tag ${tag} yet. Push it to ${remote?.name ?? 'origin'}?`, { modal: true }, 'Push Tag')) === 'Push Tag' : false);
      if (!push || !remote) throw new SdlcError('TagNotOnRemote', `GitHub has no tag ${tag}. Push it first (git push ${remote?.name ?? 'origin'} ${tag}).`, { usage: true });
      await audit.record(model.repo, 'tag.push', { tag, remote: remote.name }, () => model.repo.git.push({ remote: remote.name, ref: `refs/tags/${tag}` }));
    }
    const withAudit = await auditedReleases(model);
    let result;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Publishing ${tag}`, cancellable: true }, (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return withAudit.publish({ tag: tag as string, notes, assets, draft, prerelease: a.prerelease, makeLatest: a.latest, onFailure: a.onFailure, replace: a.replace, requireRemoteTag: true, signal: controller.signal, onProgress: (m) => progress.report({ message: m }) });
      });
    } catch (e) {
      // The user chooses what happens to the draft a failed publish left behind.
      const leftover = interactive && a.onFailure === undefined ? await withAudit.findByTag(tag).catch(() => null) : null;
      if (leftover?.draft) {
        await store.refresh();
        const choice = await vscode.window.showErrorMessage(`${errorMessage(e)}`, 'Keep Draft', 'Delete Draft');
        if (choice === 'Delete Draft') await withAudit.deleteRelease(leftover.id);
        await store.refresh();
        throw new Cancelled();
      }
      throw e;
    }
    await store.refresh();
    if (interactive) {
      void vscode.window.showInformationMessage(`${result.created ? 'Published' : 'Updated'} ${tag}${result.release.draft ? ' (draft)' : ''}: ${result.uploaded.length} uploaded, ${result.skipped.length} already there.`, 'Open on GitHub').then((x) => x && vscode.env.openExternal(vscode.Uri.parse(result.release.htmlUrl)));
    }
    return { tag, id: result.release.id, draft: result.release.draft, url: result.release.htmlUrl, uploaded: result.uploaded, skipped: result.skipped, assets: result.release.assets.map((x) => x.name) };
  };

  const releaseOf = async (model: PackagesModel, tag: string): Promise<ReleaseInfo> => {
    const rel = await (await store.releasesFor(model)).findByTag(tag);
    if (!rel) throw new SdlcError('ReleaseNotFound', `There is no GitHub release for ${tag}.`, { usage: true });
    return rel;
  };

  const confirm = async (message: string, action: string, skip: boolean | undefined) => {
    if (skip === false) return;
    if ((await vscode.window.showWarningMessage(message, { modal: true }, action)) !== action) throw new Cancelled();
  };

  return [
    { id: CommandIds.packagesRefresh, run: () => store.refresh() },
    { id: CommandIds.packagesBuild, needsTrust: true, run: build },
    { id: CommandIds.packagesPublish, needsTrust: true, run: publish },
    {
      id: CommandIds.packagesDownload,
      run: async (arg?: unknown) => {
        const node = isPackagesNode(arg) && arg.kind === 'asset' ? arg : undefined;
        const a = argsOf<{ repository: string; tag: string; asset: string; dir: string }>(arg);
        const model = await pickModel(store, a.repository, node);
        const release = node ? node.release : await releaseOf(model, a.tag ?? '');
        const name = node?.asset.name ?? a.asset ?? '';
        let dir = a.dir;
        if (!dir) {
          const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download here' });
          if (!picked?.[0]) throw new Cancelled();
          dir = picked[0].fsPath;
        }
        const releases = await store.releasesFor(model);
        const got = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${name}`, cancellable: true }, (_p, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return releases.download(release, name, dir as string, { signal: controller.signal });
        });
        if (!a.dir) void vscode.window.showInformationMessage(`Downloaded ${name} (${got.verified === 'none' ? 'no checksum to verify against' : `verified against ${got.verified}`}).`, 'Reveal').then((x) => x && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(got.path)));
        return got;
      },
    },
    {
      id: CommandIds.packagesDeleteArtifact,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const node = isPackagesNode(arg) && (arg.kind === 'artifact' || arg.kind === 'build') ? arg : undefined;
        const a = argsOf<{ folder: string; name: string; confirm: boolean }>(arg);
        const folder = node?.build.folder ?? a.folder;
        if (!folder) throw new SdlcError('BadArguments', 'Delete Artifact needs an artifact of the Packages view or { folder, name }.', { usage: true });
        const name = node?.kind === 'artifact' ? node.artifact.name : a.name;
        await confirm(name ? `Delete ${name}? Its checksum line and SBOM go with it.` : `Delete the build in ${folder}?`, 'Delete', a.confirm);
        if (name) await deleteArtifact(folder, name);
        else await deleteBuild(folder);
        await store.refresh();
      },
    },
    {
      id: CommandIds.packagesDeleteRelease,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const node = isPackagesNode(arg) && arg.kind === 'release' ? arg : undefined;
        const a = argsOf<{ repository: string; tag: string; confirm: boolean }>(arg);
        const model = await pickModel(store, a.repository, node);
        const release = node?.release ?? (await releaseOf(model, a.tag ?? ''));
        await confirm(`Delete the GitHub release ${release.tag} and its ${release.assets.length} asset(s)? The tag stays.`, 'Delete Release', a.confirm);
        await (await auditedReleases(model)).deleteRelease(release.id);
        await store.refresh();
      },
    },
    {
      id: CommandIds.packagesDeleteAsset,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const node = isPackagesNode(arg) && arg.kind === 'asset' ? arg : undefined;
        const a = argsOf<{ repository: string; tag: string; asset: string; confirm: boolean }>(arg);
        const model = await pickModel(store, a.repository, node);
        const release = node?.release ?? (await releaseOf(model, a.tag ?? ''));
        const asset = node?.asset ?? release.assets.find((x) => x.name === a.asset);
        if (!asset) throw new SdlcError('AssetNotFound', `The release ${release.tag} has no asset ${a.asset}.`, { usage: true });
        await confirm(`Delete ${asset.name} from the release ${release.tag}?`, 'Delete Asset', a.confirm);
        await (await auditedReleases(model)).deleteAsset(asset);
        await store.refresh();
      },
    },
    {
      id: CommandIds.packagesCopyChecksum,
      run: async (arg?: unknown) => {
        if (!isPackagesNode(arg)) return;
        const sha = arg.kind === 'artifact' ? arg.artifact.sha256 : arg.kind === 'asset' ? arg.asset.digest?.replace(/^sha256:/, '') : undefined;
        if (!sha) throw new SdlcError('NoChecksum', 'This item has no sha256.', { usage: true });
        await vscode.env.clipboard.writeText(sha);
        return sha;
      },
    },
    {
      id: CommandIds.packagesReveal,
      run: async (arg?: unknown) => {
        if (!isPackagesNode(arg) || (arg.kind !== 'artifact' && arg.kind !== 'build')) return;
        const file = arg.kind === 'artifact' ? path.join(arg.build.folder, arg.artifact.name) : arg.build.folder;
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
      },
    },
    { id: InternalCommandIds.inspectPackages, run: () => inspectPackages(store, deps.tree) },
  ];
}
