import * as vscode from 'vscode';
import type { Git } from '../../core/git/git';
import { GitError } from '../../core/git/gitError';
import { validateRefName } from '../../core/git/refName';
import { SdlcError } from '../../core/errors';
import type { AuditService } from '../audit';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CommandIds } from '../ids';
import type { RepositoryModel } from './repositoryModel';
import { isRepoNode, type RepoNode } from './repositoryNodes';
import type { RepositoryStore } from './repositoryStore';

/**
 * What programmatic callers pass instead of a tree node (tests, keybindings, other extensions):
 * `executeCommand('sdlc.repositories.createBranch', { repository: '/path', name: 'feature/x' })`.
 * `confirm: false` skips confirmation dialogs (the caller has confirmed).
 */
export interface RepoArgs {
  repository?: string;
  name?: string;
  ref?: string;
  startPoint?: string;
  message?: string;
  remote?: string;
  checkout?: boolean;
  setUpstream?: boolean;
  force?: boolean;
  confirm?: boolean;
  /** openOnGitHub: `false` returns the URL without opening it. */
  open?: boolean;
}

interface Target {
  repo: RepositoryModel;
  node?: RepoNode;
  args: RepoArgs;
}

export function repositoryCommands(store: RepositoryStore, audit: AuditService): CommandSpec[] {
  /** The repository (and node) a command is about: a tree node, `{ repository }`, the only one, or a pick. */
  async function target(arg: unknown): Promise<Target> {
    if (isRepoNode(arg) && arg.repo) return { repo: arg.repo, node: arg, args: {} };
    const args = (typeof arg === 'object' && arg !== null ? arg : {}) as RepoArgs;
    if (store.state === 'loading') await store.rescan();
    if (args.repository) {
      const repo = store.find(args.repository);
      if (!repo) throw new SdlcError('NotARepository', `${args.repository} is not one of the workspace's repositories.`, { usage: true });
      return { repo, args };
    }
    if (store.onlyRepository) return { repo: store.onlyRepository, args };
    if (store.repositories.length === 0) throw new SdlcError('NoRepository', 'There is no git repository in this workspace.');
    const pick = await vscode.window.showQuickPick(
      store.repositories.map((repo) => ({ label: repo.name, description: repo.snapshot?.head.branch ?? '', repo })),
      { placeHolder: 'Choose a repository' },
    );
    if (!pick) throw new Cancelled();
    return { repo: pick.repo, args };
  }

  /** A fresh snapshot: commands decide on the repository as it is now, not as the view last saw it. */
  async function snapshotOf(repo: RepositoryModel) {
    await store.refresh(repo);
    if (!repo.snapshot) throw new SdlcError(repo.error?.code ?? 'Unknown', repo.error?.message ?? 'The repository could not be read.');
    return repo.snapshot;
  }

  /** Long git work with progress in the view and a cancellable notification. */
  async function withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return vscode.window.withProgress({ location: { viewId: 'sdlc.repositories' } }, () => work(controller.signal));
    });
  }

  async function askRefName(kind: 'branch' | 'tag', given: string | undefined, prompt: string): Promise<string> {
    if (given !== undefined) {
      const check = validateRefName(given, kind);
      if (!check.ok) throw new GitError('InvalidRefName', `'${given}' is not a valid ${kind} name: ${check.reason}`);
      return given;
    }
    const name = await vscode.window.showInputBox({
      title: kind === 'branch' ? 'Create Branch' : 'Create Tag',
      prompt,
      validateInput: (v) => {
        const check = validateRefName(v.trim(), kind);
        return check.ok ? undefined : check.reason;
      },
    });
    if (name === undefined) throw new Cancelled();
    return name.trim();
  }

  async function pickRemote(repo: RepositoryModel, given?: string): Promise<string> {
    const remotes = (await snapshotOf(repo)).remotes;
    if (given) {
      if (!remotes.some((r) => r.name === given)) throw new GitError('RemoteNotFound', `There is no remote named '${given}'.`);
      return given;
    }
    if (remotes.length === 0) throw new GitError('RemoteNotFound', `${repo.name} has no remote. Add one with 'git remote add origin <url>'.`);
    if (remotes.length === 1) return remotes[0].name;
    const origin = remotes.find((r) => r.name === 'origin');
    const pick = await vscode.window.showQuickPick(
      [...(origin ? [origin] : []), ...remotes.filter((r) => r !== origin)].map((r) => ({ label: r.name, description: r.url })),
      { placeHolder: 'Choose a remote' },
    );
    if (!pick) throw new Cancelled();
    return pick.label;
  }

  async function confirm(args: RepoArgs, message: string, detail: string, action: string): Promise<void> {
    if (args.confirm === false) return;
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    if (answer !== action) throw new Cancelled();
  }

  const refreshAfter = async <T>(repo: RepositoryModel, p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } finally {
      await store.refresh(repo);
    }
  };

  const headOf = (git: Git) => git.resolve('HEAD').catch(() => null);

  return [
    {
      id: CommandIds.refresh,
      run: async (arg?: unknown) => {
        if (arg) {
          const { repo } = await target(arg);
          await store.refresh(repo);
        } else await store.refreshAll();
        store.pollNow();
        return { repositories: store.repositories.length };
      },
    },
    {
      id: CommandIds.fetch,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, args } = await target(arg);
        const remote = args.remote ?? (await snapshotOf(repo)).remotes.find((r) => r.name === 'origin')?.name;
        await refreshAfter(repo, withProgress(`Fetching ${repo.name}…`, (signal) =>
          audit.record(repo, 'git.fetch', { remote: remote ?? 'all' }, () => repo.git.fetch({ remote, prune: true, signal }))));
        return { fetched: remote ?? 'all' };
      },
    },
    {
      id: CommandIds.pull,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo } = await target(arg);
        const before = await headOf(repo.git);
        await refreshAfter(repo, withProgress(`Pulling ${repo.name}…`, (signal) =>
          audit.record(repo, 'git.pull', { branch: repo.snapshot?.head.branch ?? 'HEAD' }, () => repo.git.pull({ signal }), { before: { head: before }, after: () => ({ head: repo.snapshot?.head.sha }) })));
        return { head: await headOf(repo.git) };
      },
    },
    {
      id: CommandIds.push,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        const branchInfo = node?.kind === 'branch' ? node.branch : s.branches.find((b) => b.name === (args.ref ?? s.head.branch));
        if (!branchInfo) throw new GitError('DetachedHead', 'HEAD is detached: check out a branch to push it.');
        let setUpstream = args.setUpstream ?? false;
        let remote = args.remote ?? branchInfo.upstream?.split('/')[0];
        if (!branchInfo.upstream && !args.setUpstream) {
          remote = await pickRemote(repo, args.remote);
          if (args.confirm !== false) {
            const answer = await vscode.window.showInformationMessage(`Branch '${branchInfo.name}' has no upstream. Publish it to '${remote}' and track it?`, { modal: true }, 'Publish Branch');
            if (answer !== 'Publish Branch') throw new Cancelled();
          }
          setUpstream = true;
        }
        remote ??= await pickRemote(repo);
        const remoteRef = branchInfo.upstream?.slice(remote.length + 1) || undefined;
        await refreshAfter(repo, withProgress(`Pushing ${branchInfo.name} to ${remote}…`, (signal) =>
          audit.record(repo, 'git.push', { remote, branch: branchInfo.name }, () => repo.git.push({ remote: remote!, ref: branchInfo.name, remoteRef, setUpstream, signal }), {
            before: { sha: branchInfo.sha, upstream: branchInfo.upstream },
            after: () => ({ sha: branchInfo.sha }),
          })));
        store.pollNow();
        return { remote, branch: branchInfo.name, sha: branchInfo.sha };
      },
    },
    {
      id: CommandIds.checkout,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        let ref: string | undefined = args.ref;
        let createFrom: string | undefined;
        if (node?.kind === 'branch') ref = node.branch.name;
        else if (node?.kind === 'tag') ref = node.tag.name;
        else if (node?.kind === 'commit') ref = node.commit.sha;
        else if (node?.kind === 'remoteBranch') {
          const local = node.branch.name.slice(node.branch.remote.length + 1);
          if (s.branches.some((b) => b.name === local)) ref = local;
          else [ref, createFrom] = [local, node.branch.name];
        }
        if (!ref) {
          const items = [
            ...s.branches.map((b) => ({ label: b.name, description: b.current ? 'current' : b.upstream ?? '', iconPath: new vscode.ThemeIcon('git-branch'), ref: b.name })),
            ...s.remoteBranches.filter((rb) => !s.branches.some((b) => b.upstream === rb.name)).map((rb) => ({ label: rb.name, description: 'remote branch', iconPath: new vscode.ThemeIcon('cloud'), ref: rb.name })),
            ...s.tags.map((t) => ({ label: t.name, description: 'tag', iconPath: new vscode.ThemeIcon('tag'), ref: t.name })),
          ];
          const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Check out a branch, remote branch or tag' });
          if (!pick) throw new Cancelled();
          ref = pick.ref;
          const remoteBranch = s.remoteBranches.find((rb) => rb.name === ref);
          if (remoteBranch) [ref, createFrom] = [ref.slice(remoteBranch.remote.length + 1), ref];
        }
        const before = s.head.branch ?? s.head.sha;
        const target_ = ref;
        await refreshAfter(repo, audit.record(repo, 'git.checkout', { ref: target_ }, () =>
          repo.git.checkout(target_, createFrom ? { createBranch: true, track: createFrom } : {}), { before: { head: before }, after: () => ({ head: target_ }) }));
        return { head: target_ };
      },
    },
    {
      id: CommandIds.createBranch,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        const startPoint = args.startPoint ?? (node?.kind === 'branch' ? node.branch.name : node?.kind === 'commit' ? node.commit.sha : node?.kind === 'tag' ? node.tag.name : node?.kind === 'remoteBranch' ? node.branch.name : undefined);
        const name = await askRefName('branch', args.name, `New branch name (from ${startPoint ?? s.head.branch ?? 'HEAD'})`);
        if (s.branches.some((b) => b.name === name)) throw new GitError('RefExists', `A branch named '${name}' already exists.`);
        const checkout = args.checkout ?? true;
        await refreshAfter(repo, audit.record(repo, 'branch.create', { branch: name, startPoint: startPoint ?? 'HEAD' }, () => repo.git.createBranch(name, startPoint, { checkout }), {
          after: () => ({ branch: name, checkout }),
        }));
        return { branch: name, sha: await repo.git.resolve(name) };
      },
    },
    {
      id: CommandIds.deleteBranch,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        let name = node?.kind === 'branch' ? node.branch.name : args.name;
        if (!name) {
          const pick = await vscode.window.showQuickPick(s.branches.filter((b) => !b.current).map((b) => ({ label: b.name, description: b.upstream ?? '' })), { placeHolder: 'Branch to delete' });
          if (!pick) throw new Cancelled();
          name = pick.label;
        }
        const branch = s.branches.find((b) => b.name === name);
        if (!branch) throw new GitError('RefNotFound', `There is no branch named '${name}'.`);
        if (branch.current) throw new GitError('Unknown', `'${name}' is the current branch: check out another branch before deleting it.`);
        await confirm(args, `Delete branch '${name}'?`, `It points at ${branch.sha.slice(0, 7)}. The commits stay reachable from other refs and the reflog for a while.`, 'Delete Branch');
        let force = args.force ?? false;
        if (!force && !(await repo.git.isMerged(name))) {
          if (args.confirm === false) throw new GitError('BranchNotMerged', `Branch '${name}' is not fully merged into ${s.head.branch ?? 'HEAD'}. Pass force: true to delete it anyway.`);
          await confirm(args, `Branch '${name}' is not fully merged.`, `Deleting it may lose commits that are on no other branch. Delete it anyway?`, 'Delete Anyway');
          force = true;
        }
        await refreshAfter(repo, audit.record(repo, 'branch.delete', { branch: name }, () => repo.git.deleteBranch(name!, { force }), { before: { sha: branch.sha }, after: () => ({ deleted: true, force }) }));
        return { deleted: name, sha: branch.sha };
      },
    },
    {
      id: CommandIds.createTag,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        if (s.empty) throw new GitError('EmptyRepository', `${repo.name} has no commits yet: make a commit before tagging.`);
        const ref = args.ref ?? (node?.kind === 'commit' ? node.commit.sha : node?.kind === 'branch' ? node.branch.name : 'HEAD');
        const name = await askRefName('tag', args.name, `Annotated tag name for ${ref === 'HEAD' ? 'HEAD' : ref.slice(0, 12)}, e.g. v1.2.0`);
        if (s.tags.some((t) => t.name === name)) throw new GitError('RefExists', `A tag named '${name}' already exists.`);
        let message = args.message;
        if (message === undefined) {
          message = await vscode.window.showInputBox({ title: `Tag ${name}`, prompt: 'Tag message (annotation)', value: name });
          if (message === undefined) throw new Cancelled();
        }
        const tagMessage = message.trim() || name;
        await refreshAfter(repo, audit.record(repo, 'tag.create', { tag: name, ref }, () => repo.git.createTag(name, tagMessage, ref), { after: () => ({ tag: name }) }));
        const sha = await repo.git.resolve(`${name}^{commit}`);
        if (arg === undefined || isRepoNode(arg)) {
          void vscode.window.showInformationMessage(`Created tag ${name}.`, 'Push Tag').then((a) => a && vscode.commands.executeCommand(CommandIds.pushTag, { repository: repo.root, name }));
        }
        return { tag: name, sha };
      },
    },
    {
      id: CommandIds.pushTag,
      needsTrust: true,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        let name = node?.kind === 'tag' ? node.tag.name : args.name;
        if (!name) {
          const pick = await vscode.window.showQuickPick(s.tags.map((t) => ({ label: t.name, description: t.subject ?? '' })), { placeHolder: 'Tag to push' });
          if (!pick) throw new Cancelled();
          name = pick.label;
        }
        const tag = s.tags.find((t) => t.name === name);
        if (!tag) throw new GitError('RefNotFound', `There is no tag named '${name}'.`);
        const remote = await pickRemote(repo, args.remote);
        await refreshAfter(repo, withProgress(`Pushing tag ${name} to ${remote}…`, (signal) =>
          audit.record(repo, 'tag.push', { tag: tag.name, remote }, () => repo.git.push({ remote, ref: `refs/tags/${tag.name}`, signal }), { after: () => ({ sha: tag.sha }) })));
        return { tag: tag.name, remote };
      },
    },
    {
      id: CommandIds.openOnGitHub,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        await snapshotOf(repo);
        const url = githubUrl(repo, node);
        if (!url) throw new SdlcError('NotOnGitHub', `${repo.name} has no GitHub remote.`);
        if (args.open !== false) await vscode.env.openExternal(vscode.Uri.parse(url));
        return { url };
      },
    },
    {
      id: CommandIds.copySha,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const s = await snapshotOf(repo);
        const sha =
          node?.kind === 'commit' ? node.commit.sha : node?.kind === 'branch' ? node.branch.sha : node?.kind === 'tag' ? node.tag.sha : node?.kind === 'remoteBranch' ? node.branch.sha : node?.kind === 'pull' ? node.pull.headSha : args.ref ? await repo.git.resolve(args.ref) : s.head.sha;
        if (!sha) throw new GitError('EmptyRepository', 'There is no commit to copy yet.');
        await vscode.env.clipboard.writeText(sha);
        vscode.window.setStatusBarMessage(`$(copy) Copied ${sha.slice(0, 12)}`, 3000);
        return { sha };
      },
    },
    {
      id: CommandIds.loadMoreCommits,
      run: async (arg?: unknown) => {
        const { repo } = await target(arg);
        await store.loadMoreCommits(repo);
        return { commits: repo.commits.length, complete: repo.commitsComplete };
      },
    },
    {
      id: CommandIds.openCommit,
      run: async (arg?: unknown) => {
        const { repo, node, args } = await target(arg);
        const sha = node?.kind === 'commit' ? node.commit.sha : args.ref ? await repo.git.resolve(args.ref) : null;
        if (!sha) throw new GitError('RefNotFound', 'No commit given.');
        const uri = vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${sha.slice(0, 7)}.diff`, query: JSON.stringify({ root: repo.root, sha }) });
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc, { preview: true });
        return { sha };
      },
    },
  ];
}

export const COMMIT_SCHEME = 'sdlc-commit';

/** Read-only `git show` of a commit, for clicks on commits in the tree. */
export function commitContentProvider(store: RepositoryStore): vscode.TextDocumentContentProvider {
  return {
    provideTextDocumentContent: async (uri) => {
      const { root, sha } = JSON.parse(uri.query) as { root: string; sha: string };
      const repo = store.find(root);
      if (!repo) return `Repository ${root} is no longer open.`;
      return repo.git.run(['show', '--stat', '--patch', '--format=fuller', '--no-color', sha]);
    },
  };
}

function githubUrl(repo: RepositoryModel, node?: RepoNode): string | undefined {
  if (node?.kind === 'pull') return node.pull.url;
  const remote = node?.kind === 'remote' && node.remote.github ? node.remote : repo.githubRemote();
  if (!remote?.github) return undefined;
  const base = `https://${remote.github.host ?? 'github.com'}/${remote.github.owner}/${remote.github.repo}`;
  const enc = (ref: string) => ref.split('/').map(encodeURIComponent).join('/');
  switch (node?.kind) {
    case 'branch':
      return `${base}/tree/${enc(node.branch.upstream?.slice(remote.name.length + 1) || node.branch.name)}`;
    case 'remoteBranch':
      return `${base}/tree/${enc(node.branch.name.slice(node.branch.remote.length + 1))}`;
    case 'tag':
      return `${base}/releases/tag/${enc(node.tag.name)}`;
    case 'commit':
      return `${base}/commit/${node.commit.sha}`;
    default:
      return base;
  }
}
