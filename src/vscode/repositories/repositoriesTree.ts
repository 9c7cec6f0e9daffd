import * as vscode from 'vscode';
import { briefGitHubMessage } from '../../core/github/classify';
import type { CiStatus } from '../../core/github/github';
import { traceMark } from '../../core/git/trace';
import { HeldFirstAnswer, QuietLoading } from '../firstScreen';
import { CommandIds } from '../ids';
import type { RepositoryModel } from './repositoryModel';
import type { ChangeGroup, RepoNode } from './repositoryNodes';
import type { RepositoryStore } from './repositoryStore';

const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
const ALWAYS_SHOW_REPOSITORY = 'sdlc.repositories.alwaysShowRepository';

const GROUP_LABELS: Record<ChangeGroup, string> = { staged: 'Staged', unstaged: 'Changed', untracked: 'Untracked', conflicted: 'Conflicts' };
const GROUP_ICONS: Record<ChangeGroup, string> = { staged: 'diff-added', unstaged: 'diff-modified', untracked: 'question', conflicted: 'warning' };

/** Maps the store's model to tree items. Its own state: one setting, read when needed. */
export class RepositoriesTree implements vscode.TreeDataProvider<RepoNode> {
  private readonly changed = new vscode.EventEmitter<RepoNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private drawn!: () => void;
  /**
   * Settles when VS Code first asks for a repository's children once its snapshot (or its error) is
   * there (for the roots, when they are the flat repository's), or for the roots when there is no
   * repository to list: the view's first screen is drawn.
   */
  readonly firstDrawn = new Promise<void>((resolve) => (this.drawn = resolve));

  private readonly quiet: QuietLoading;
  private readonly firstAnswer: HeldFirstAnswer;
  /** `sdlc.repositories.alwaysShowRepository`, read when first needed and again after it changes. */
  private alwaysShowRepository: boolean | undefined;

  constructor(private readonly store: RepositoryStore) {
    // Whole-tree refresh: repository nodes are rebuilt objects, ids keep expansion state. Before the
    // first content, changes of spinners alone are held back a little (see QuietLoading).
    // The first answer for the top level waits for that content (see HeldFirstAnswer); when it is
    // answered with it, the change needs no refresh.
    const hasContent = () => (store.state !== 'loading' && store.state !== 'ready') || store.repositories.some((r) => r.snapshot || r.glance || r.error);
    this.firstAnswer = new HeldFirstAnswer(hasContent);
    this.quiet = new QuietLoading(hasContent, () => {
      if (!this.firstAnswer.release()) this.changed.fire(undefined);
    });
    this.subscriptions = [
      store.onDidChange(() => this.quiet.changed()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(ALWAYS_SHOW_REPOSITORY)) return;
        this.alwaysShowRepository = undefined;
        this.changed.fire(undefined);
      }),
    ];
  }

  dispose(): void {
    this.firstAnswer.dispose();
    this.quiet.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  /**
   * The repository whose sections are the view's top level: the workspace's only one, as VS Code's
   * Source Control view shows a single repository (unless `sdlc.repositories.alwaysShowRepository`).
   * Its summary is then the view's description (see showSummary). One level less to read, and the
   * view's first screen needs one round trip with VS Code instead of two.
   */
  flatRepository(): RepositoryModel | undefined {
    const only = this.store.onlyRepository;
    if (!only) return undefined;
    // (Kept until it changes: VS Code builds a configuration object per read: 8 ms of the first screen's answer under the profiler.)
    this.alwaysShowRepository ??= vscode.workspace.getConfiguration().get<boolean>(ALWAYS_SHOW_REPOSITORY, false);
    return this.alwaysShowRepository ? undefined : only;
  }

  /** Keeps the view's description on the flat repository's summary (name, HEAD, ahead/behind, changes), or empty. */
  showSummary(view: vscode.TreeView<RepoNode>): vscode.Disposable {
    const update = () => {
      const repo = this.flatRepository();
      const description = repo ? [repo.name, repositoryDescription(repo)].filter(Boolean).join(' · ') : undefined;
      if (view.description !== description) view.description = description;
    };
    update();
    // (The store's changes too: the first content may come as the answer to a held request, with no change passed on.)
    const subscriptions = [this.onDidChangeTreeData(update), this.store.onDidChange(update)];
    return { dispose: () => subscriptions.forEach((d) => d.dispose()) };
  }

  getChildren(node?: RepoNode): RepoNode[] | Promise<RepoNode[]> {
    if (node) return this.nodes(node);
    const answer = this.firstAnswer.answer(() => this.nodes());
    if (answer instanceof Promise) traceMark('view: the top level, answered once there is content (held)');
    return answer;
  }

  /** The nodes under `node` (the top level without it) as they are now. */
  nodes(node?: RepoNode): RepoNode[] {
    if (!node) return this.roots();
    // (For the editor bench's breakdown: when VS Code asks for the view and for a repository's nodes.)
    if (node.kind === 'repository') traceMark(`view: a repository's nodes (${snapshotState(node.repo)})`);
    const repo = node.kind === 'message' ? undefined : node.repo;
    if (!repo) return [];
    const s = repo.snapshot;
    switch (node.kind) {
      case 'repository':
        if (s || repo.glance || repo.error) this.drawn();
        return this.repositoryChildren(repo);
      case 'workingTree': {
        const st = s ?? repo.glance;
        if (!st) return [];
        const groups: ChangeGroup[] = ['conflicted', 'staged', 'unstaged', 'untracked'];
        const nodes = groups
          .map((group) => ({ kind: 'changeGroup' as const, repo, group, files: st.files.filter((f) => fileGroups(f.status).includes(group)) }))
          .filter((g) => g.files.length > 0);
        return nodes.length ? nodes : [message(repo, 'clean', 'No changes', 'check')];
      }
      case 'changeGroup':
        return node.files.map((file) => ({ kind: 'file', repo, group: node.group, file }));
      case 'branches': {
        if (!s) return [message(repo, 'branches-loading', 'Reading branches…', 'loading~spin')];
        void this.store.ensureAheadBehind(repo);
        const locals: RepoNode[] = s.branches.map((branch) => ({ kind: 'branch', repo, branch }));
        if (s.remoteBranches.length) locals.push({ kind: 'remoteBranches', repo });
        return locals.length ? locals : [message(repo, 'no-branches', s.empty ? 'No branches yet: make the first commit' : 'No branches', 'info')];
      }
      case 'remoteBranches':
        return (s?.remoteBranches ?? []).map((branch) => ({ kind: 'remoteBranch', repo, branch }));
      case 'tags':
        if (!s) return [message(repo, 'tags-loading', 'Reading tags…', 'loading~spin')];
        return s.tags.length ? s.tags.map((tag) => ({ kind: 'tag', repo, tag })) : [message(repo, 'no-tags', 'No tags', 'info')];
      case 'remotes': {
        const remotes = (s ?? repo.glance)?.remotes ?? [];
        return remotes.length
          ? remotes.map((remote) => ({ kind: 'remote', repo, remote }))
          : [message(repo, 'no-remotes', 'No remotes: add one with git remote add', 'info')];
      }
      case 'commits': {
        if ((s ?? repo.glance)?.empty) return [message(repo, 'no-commits', 'No commits yet', 'info')];
        if (!repo.commitsRead) return [message(repo, 'commits-loading', 'Reading commits…', 'loading~spin')];
        const commits: RepoNode[] = repo.commits.map((commit) => ({ kind: 'commit', repo, commit }));
        if (!repo.commitsComplete) commits.push({ kind: 'loadMore', repo });
        return commits;
      }
      case 'pulls':
        return this.pullChildren(repo);
      default:
        return [];
    }
  }

  private roots(): RepoNode[] {
    const flat = this.flatRepository();
    traceMark(flat ? `view: the only repository's nodes, as the roots (${snapshotState(flat)})` : `view: the repositories (${this.store.state})`);
    switch (this.store.state) {
      case 'loading':
        return [{ kind: 'message', id: 'loading', label: 'Looking for repositories…', icon: 'loading~spin' }];
      case 'ready':
        if (!flat) return this.store.repositories.map((repo) => ({ kind: 'repository', repo }));
        if (flat.snapshot || flat.glance || flat.error) this.drawn();
        return this.repositoryChildren(flat);
      default:
        this.drawn();
        return []; // noFolder / noRepositories / gitMissing: viewsWelcome content with buttons
    }
  }

  private repositoryChildren(repo: RepositoryModel): RepoNode[] {
    const nodes: RepoNode[] = [];
    if (repo.error)
      nodes.push(message(repo, 'error', repo.error.message, 'error', { command: CommandIds.refresh, title: 'Retry', arguments: [{ repository: repo.root }] }, 'Click to retry'));
    if (!repo.snapshot && !repo.glance) {
      if (!repo.error) nodes.push(message(repo, 'loading', 'Reading repository…', 'loading~spin'));
      return nodes;
    }
    nodes.push({ kind: 'workingTree', repo }, { kind: 'branches', repo }, { kind: 'tags', repo }, { kind: 'remotes', repo }, { kind: 'commits', repo });
    if (repo.github.status !== 'unavailable') nodes.push({ kind: 'pulls', repo });
    return nodes;
  }

  private pullChildren(repo: RepositoryModel): RepoNode[] {
    const gh = repo.github;
    const retry = { command: CommandIds.refresh, title: 'Retry', arguments: [{ repository: repo.root }] };
    switch (gh.status) {
      case 'unavailable':
        return [];
      case 'signedOut':
        return [message(repo, 'signed-out', 'Sign in to GitHub to see pull requests and CI status', 'account', { command: CommandIds.signIn, title: 'Sign in to GitHub' }, undefined, 'signedOut')];
      case 'loading':
        return [message(repo, 'gh-loading', 'Loading pull requests…', 'loading~spin')];
      case 'error': {
        const e = gh.error;
        const label =
          e.code === 'RateLimited' && e.resetAt
            ? `GitHub rate limit reached: resets at ${e.resetAt.toLocaleTimeString()} (click to retry)`
            : e.code === 'Unauthorized'
              ? 'GitHub rejected the token: sign in again'
              : `GitHub: ${shortGitHubMessage(e.message)} (click to retry)`;
        const cmd = e.code === 'Unauthorized' ? { command: CommandIds.signIn, title: 'Sign in to GitHub' } : retry;
        const pulls: RepoNode[] = (gh.pulls ?? []).map((pull) => ({ kind: 'pull', repo, pull }));
        return [message(repo, 'gh-error', label, 'warning', cmd, e.message, 'githubError'), ...pulls];
      }
      case 'ready':
        return gh.pulls.length ? gh.pulls.map((pull) => ({ kind: 'pull', repo, pull })) : [message(repo, 'no-pulls', 'No open pull requests', 'info')];
    }
  }

  getTreeItem(node: RepoNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.label, None);
      item.id = `${node.repo?.root ?? ''}::message::${node.id}`;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.tooltip = node.tooltip;
      item.command = node.command;
      item.contextValue = node.contextValue ?? 'message';
      return item;
    }
    const repo = node.repo;
    const s = repo.snapshot;
    // (Before the snapshot, its glance: the status, the remotes and the counts of branches and tags.)
    const st = s ?? repo.glance;
    const id = (...parts: string[]) => [repo.root, ...parts].join('::');
    switch (node.kind) {
      case 'repository': {
        const item = new vscode.TreeItem(repo.name, Expanded);
        item.id = id('repo');
        item.description = repositoryDescription(repo);
        item.tooltip = repositoryTooltip(repo);
        item.iconPath = new vscode.ThemeIcon(repo.loading && !st ? 'loading~spin' : repo.error ? 'error' : 'repo');
        item.contextValue = flags('repository', repo.githubRemote() && 'github', st?.head.branch && !st.head.detached && 'onBranch');
        item.resourceUri = vscode.Uri.file(repo.root);
        return item;
      }
      case 'workingTree': {
        const c = st!.changes;
        const item = new vscode.TreeItem('Working Tree', Collapsed);
        item.id = id('workingTree');
        const parts = [c.conflicted && `${c.conflicted} conflicted`, c.staged && `${c.staged} staged`, c.unstaged && `${c.unstaged} changed`, c.untracked && `${c.untracked} untracked`].filter(Boolean);
        item.description = parts.length ? parts.join(', ') : 'clean';
        item.iconPath = new vscode.ThemeIcon(c.conflicted ? 'warning' : parts.length ? 'edit' : 'check');
        item.contextValue = 'workingTree';
        return item;
      }
      case 'changeGroup': {
        const item = new vscode.TreeItem(GROUP_LABELS[node.group], Collapsed);
        item.id = id('changes', node.group);
        item.description = String(node.files.length);
        item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.group]);
        item.contextValue = 'changeGroup';
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.joinPath(vscode.Uri.file(repo.root), node.file.path);
        const item = new vscode.TreeItem(uri, None);
        item.id = id('file', node.group, node.file.path);
        item.description = node.file.origPath ? `${node.file.path} ← ${node.file.origPath}` : true;
        item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
        item.contextValue = 'file';
        return item;
      }
      case 'branches':
        return group(id('branches'), 'Branches', 'git-branch', 'branches', s ? s.branches.length : repo.glance?.counts.branches);
      case 'branch': {
        const b = node.branch;
        const item = new vscode.TreeItem(b.name, None);
        item.id = id('branch', b.name);
        const track = b.upstream ? (b.upstreamGone ? `${b.upstream} (gone)` : `${aheadBehind(b.ahead, b.behind) || '✓'} ${b.upstream}`) : 'no upstream';
        item.description = `${b.current ? '● ' : ''}${track}`;
        const ci = repo.ciFor(repo.githubHeadSha(b));
        item.iconPath = ci ? ciIcon(ci) : new vscode.ThemeIcon(b.current ? 'check' : 'git-branch');
        item.tooltip = branchTooltip(b, ci);
        item.contextValue = flags('branch', b.current && 'current', !b.current && 'notCurrent', b.upstream && 'tracking', repo.githubRemote() && 'github');
        return item;
      }
      case 'remoteBranches':
        return group(id('remoteBranches'), 'Remote Branches', 'cloud', 'remoteBranches', s?.remoteBranches.length);
      case 'remoteBranch': {
        const item = new vscode.TreeItem(node.branch.name, None);
        item.id = id('remoteBranch', node.branch.name);
        item.description = node.branch.sha.slice(0, 7);
        item.iconPath = new vscode.ThemeIcon('git-branch');
        item.contextValue = flags('remoteBranch', repo.githubRemote() && 'github');
        return item;
      }
      case 'tags':
        return group(id('tags'), 'Tags', 'tag', 'tags', s ? s.tags.length : repo.glance?.counts.tags);
      case 'tag': {
        const t = node.tag;
        const item = new vscode.TreeItem(t.name, None);
        item.id = id('tag', t.name);
        item.description = [t.sha.slice(0, 7), t.subject].filter(Boolean).join(' ');
        item.tooltip = `${t.name}${t.annotated ? ' (annotated)' : ''}\n${t.sha}${t.subject ? `\n\n${t.subject}` : ''}${t.version ? '' : '\n\nNot a semantic version'}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = flags('tag', repo.githubRemote() && 'github');
        return item;
      }
      case 'remotes':
        return group(id('remotes'), 'Remotes', 'remote', 'remotes', st?.remotes.length);
      case 'remote': {
        const r = node.remote;
        const item = new vscode.TreeItem(r.name, None);
        item.id = id('remote', r.name);
        item.description = r.github ? `${r.github.owner}/${r.github.repo}` : r.url;
        item.tooltip = `${r.url}${r.pushUrl && r.pushUrl !== r.url ? `\npush: ${r.pushUrl}` : ''}${r.github ? `\nGitHub: ${r.github.host ?? 'github.com'}/${r.github.owner}/${r.github.repo}` : '\nNot a GitHub remote'}`;
        item.iconPath = new vscode.ThemeIcon(r.github ? 'github' : 'remote');
        item.contextValue = flags('remote', r.github && 'github');
        return item;
      }
      case 'commits':
        return group(id('commits'), 'Commits', 'git-commit', 'commits');
      case 'commit': {
        const c = node.commit;
        const item = new vscode.TreeItem(c.subject || '(no message)', None);
        item.id = id('commit', c.sha);
        item.description = `${c.sha.slice(0, 7)} · ${c.authorName} · ${relativeDate(c.date)}`;
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown(`**${escapeMd(c.subject)}**\n\n$(git-commit) \`${c.sha}\`\n\n$(account) ${escapeMd(c.authorName)} <${escapeMd(c.authorEmail)}>\n\n$(calendar) ${new Date(c.date).toLocaleString()}`);
        item.tooltip = md;
        item.iconPath = new vscode.ThemeIcon(c.parents.length > 1 ? 'git-merge' : 'git-commit');
        item.command = { command: CommandIds.openCommit, title: 'Show Commit', arguments: [node] };
        item.contextValue = flags('commit', repo.githubRemote() && 'github');
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more commits…', None);
        item.id = id('loadMore', String(repo.commits.length));
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: CommandIds.loadMoreCommits, title: 'Load More', arguments: [node] };
        item.contextValue = 'loadMore';
        return item;
      }
      case 'pulls': {
        const gh = repo.github;
        const item = new vscode.TreeItem('Pull Requests', Expanded);
        item.id = id('pulls');
        item.description = gh.status === 'ready' ? String(gh.pulls.length) : gh.status === 'signedOut' ? 'signed out' : gh.status === 'error' ? 'unavailable' : '';
        item.iconPath = new vscode.ThemeIcon('git-pull-request');
        item.contextValue = 'pulls';
        const rl = this.store.rateLimit;
        if (gh.status !== 'unavailable')
          item.tooltip = `${gh.repo.owner}/${gh.repo.repo} on GitHub${rl ? `\nAPI rate limit: ${rl.remaining} of ${rl.limit} requests left, resets at ${rl.resetAt.toLocaleTimeString()}` : ''}`;
        return item;
      }
      case 'pull': {
        const p = node.pull;
        const item = new vscode.TreeItem(`#${p.number} ${p.title}`, None);
        item.id = id('pull', String(p.number));
        item.description = `${p.headRef} → ${p.baseRef}${p.author ? ` · ${p.author}` : ''}`;
        const ci = repo.ciFor(p.headSha);
        item.iconPath = new vscode.ThemeIcon(p.draft ? 'git-pull-request-draft' : 'git-pull-request', ci ? ciColor(ci) : undefined);
        item.tooltip = `#${p.number} ${p.title}${p.draft ? ' (draft)' : ''}\n${p.headRef} → ${p.baseRef}\nby ${p.author ?? 'unknown'}, updated ${new Date(p.updatedAt).toLocaleString()}`;
        item.command = { command: CommandIds.openOnGitHub, title: 'Open on GitHub', arguments: [node] };
        item.contextValue = 'pull github';
        return item;
      }
    }
  }
}

/** A collapsed group node (Branches, Tags, …) with its size as the description. */
function group(id: string, label: string, icon: string, contextValue: string, size?: number): vscode.TreeItem {
  const item = new vscode.TreeItem(label, Collapsed);
  item.id = id;
  if (size !== undefined) item.description = String(size);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = contextValue;
  return item;
}

/** For the bench's trace marks: whether VS Code asked with the repository's snapshot there. */
function snapshotState(repo: RepositoryModel): string {
  return repo.snapshot ? 'snapshot in' : repo.glance ? 'glance in' : 'no snapshot yet';
}

function message(repo: RepositoryModel, id: string, label: string, icon: string, command?: vscode.Command, tooltip?: string, contextValue?: string): RepoNode {
  return { kind: 'message', repo, id, label, icon, command, tooltip, contextValue };
}

/** porcelain v2 XY → the groups a file belongs to (a file can be staged and changed at once). */
export function fileGroups(xy: string): ChangeGroup[] {
  if (xy === '??') return ['untracked'];
  if (xy.includes('U') || xy === 'AA' || xy === 'DD') return ['conflicted'];
  const groups: ChangeGroup[] = [];
  if (xy[0] && xy[0] !== '.') groups.push('staged');
  if (xy[1] && xy[1] !== '.') groups.push('unstaged');
  return groups;
}

function flags(...values: Array<string | false | null | undefined | 0 | object>): string {
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0).join(' ');
}

function aheadBehind(ahead: number, behind: number): string {
  return [ahead && `↑${ahead}`, behind && `↓${behind}`].filter(Boolean).join(' ');
}

export function repositoryDescription(repo: RepositoryModel): string {
  const s = repo.snapshot ?? repo.glance;
  if (!s) return repo.loading ? 'loading…' : (repo.error?.code ?? '');
  const head = s.empty ? `${s.head.branch ?? 'HEAD'} (no commits yet)` : s.head.detached ? `detached at ${s.head.sha?.slice(0, 7)}` : (s.head.branch ?? '');
  const c = s.changes;
  const changes = c.staged + c.unstaged + c.untracked + c.conflicted;
  return [head, aheadBehind(s.ahead, s.behind), changes && `●${changes}`, s.operation?.toUpperCase(), s.shallow && 'shallow'].filter(Boolean).join(' ');
}

function repositoryTooltip(repo: RepositoryModel): vscode.MarkdownString {
  const s = repo.snapshot ?? repo.glance;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(repo.name)}**\n\n$(folder) ${escapeMd(repo.root)}`);
  if (s) {
    md.appendMarkdown(`\n\n$(git-branch) ${escapeMd(repositoryDescription(repo))}${s.upstream ? ` → ${escapeMd(s.upstream)}` : ''}`);
    if (s.head.sha) md.appendMarkdown(`\n\n$(git-commit) \`${s.head.sha}\``);
    for (const r of s.remotes) md.appendMarkdown(`\n\n$(${r.github ? 'github' : 'remote'}) ${escapeMd(r.name)}: ${escapeMd(r.url)}`);
    if (!s.remotes.length) md.appendMarkdown('\n\n$(remote) no remote');
  }
  if (repo.error) md.appendMarkdown(`\n\n$(error) ${escapeMd(repo.error.message)}`);
  return md;
}

function branchTooltip(b: { name: string; sha: string; upstream: string | null; ahead: number; behind: number; subject?: string }, ci?: CiStatus): string {
  const lines = [b.name, b.sha];
  if (b.upstream) lines.push(`upstream ${b.upstream}: ${b.ahead} ahead, ${b.behind} behind`);
  else lines.push('no upstream (push to publish)');
  if (b.subject) lines.push('', b.subject);
  if (ci) lines.push('', `CI: ${ci.state}`, ...ci.checks.map((c) => `  ${c.state.padEnd(8)} ${c.name}`));
  return lines.join('\n');
}

/**
 * The gist of a GitHub error for a one-line row ("had a server error (502)"), so "(click to retry)"
 * stays visible in a normal side bar; the full message (request, advice) stays in the tooltip.
 */
function shortGitHubMessage(message: string): string {
  return briefGitHubMessage(message).replace(/^GitHub\s+/, '');
}

function ciColor(ci: CiStatus): vscode.ThemeColor | undefined {
  switch (ci.state) {
    case 'success':
      return new vscode.ThemeColor('testing.iconPassed');
    case 'failure':
      return new vscode.ThemeColor('testing.iconFailed');
    case 'pending':
      return new vscode.ThemeColor('testing.iconQueued');
    default:
      return undefined;
  }
}

export function ciIcon(ci: CiStatus): vscode.ThemeIcon {
  const icon = { success: 'pass-filled', failure: 'error', pending: 'clock', neutral: 'circle-slash', none: 'git-branch' }[ci.state];
  return new vscode.ThemeIcon(icon, ciColor(ci));
}

function relativeDate(iso: string): string {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  const units: Array<[number, string]> = [[31536000, 'year'], [2592000, 'month'], [604800, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) if (Math.abs(seconds) >= size) {
    const n = Math.floor(seconds / size);
    return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
