import * as vscode from 'vscode';
import * as path from 'node:path';
import { sharedWarnings, type ReleasePlan } from '../../core/versioning/plan';
import type { MemberPackage } from '../../core/versioning/service';
import { CommandIds } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { PackageModel } from './packageModel';
import { describeState, type VersionsStore } from './versionsStore';

const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;

/**
 * A commit group of more commits than this starts collapsed (its count says how many): a release of
 * 10,000 commits expanded is 10,000 rows, each a tree item VS Code converts, sends and draws, and the
 * plan took seconds longer to appear (editor bench) for rows nobody reads at once.
 */
export const EXPANDED_GROUP_MAX = 50;

type PlannedCommit = ReleasePlan['commits'][number];

/** Commit groups in the order a release note reads: breaking changes first. */
export const COMMIT_GROUPS = [
  { id: 'breaking', title: 'Breaking changes', icon: 'warning', matches: (c: PlannedCommit) => c.breaking },
  { id: 'features', title: 'Features', icon: 'sparkle', matches: (c: PlannedCommit) => c.type === 'feat' || c.type === 'feature' },
  { id: 'fixes', title: 'Bug fixes', icon: 'bug', matches: (c: PlannedCommit) => c.type === 'fix' },
  { id: 'performance', title: 'Performance', icon: 'rocket', matches: (c: PlannedCommit) => c.type === 'perf' },
  { id: 'reverts', title: 'Reverts', icon: 'discard', matches: (c: PlannedCommit) => c.type === 'revert' },
  { id: 'other', title: 'Other changes', icon: 'git-commit', matches: () => true },
] as const;

export type CommitGroupId = (typeof COMMIT_GROUPS)[number]['id'];

export type VersionNode =
  /** A monorepo: its packages below it; bumping it releases every changed package in one commit. */
  | { kind: 'repository'; repo: RepositoryModel; packages: PackageModel[] }
  | { kind: 'package'; pkg: PackageModel }
  /** A package that moves with its unit (lerna fixed mode, a Cargo member inheriting the workspace version). */
  | { kind: 'member'; pkg: PackageModel; member: MemberPackage }
  | { kind: 'group'; pkg: PackageModel; group: CommitGroupId; commits: PlannedCommit[] }
  | { kind: 'commit'; pkg: PackageModel; group: CommitGroupId; commit: PlannedCommit }
  | { kind: 'message'; pkg?: PackageModel; id: string; label: string; icon: string; tooltip?: string; command?: vscode.Command; contextValue?: string };

export function isVersionNode(value: unknown): value is VersionNode {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return false;
  const kind = (value as { kind: unknown }).kind;
  return kind === 'message' || (kind === 'repository' && 'repo' in value) || ('pkg' in value && (kind === 'package' || kind === 'member' || kind === 'group' || kind === 'commit'));
}

/** Each commit in exactly one group: the first that matches. */
export function groupCommits(commits: readonly PlannedCommit[]): Array<{ group: CommitGroupId; commits: PlannedCommit[] }> {
  const out = COMMIT_GROUPS.map((g) => ({ group: g.id as CommitGroupId, commits: [] as PlannedCommit[] }));
  for (const c of commits) out[COMMIT_GROUPS.findIndex((g) => g.matches(c))].commits.push(c);
  return out.filter((g) => g.commits.length > 0);
}

/** The warnings every plan of a monorepo's packages has: shown once, on its node (see sharedWarnings). */
function repositoryWarnings(packages: readonly PackageModel[]): string[] {
  return sharedWarnings(packages.flatMap((p) => (p.state.status === 'ready' ? [p.state.plan] : [])));
}

/** The order of a monorepo's packages by state (a stable sort keeps their own order within each). */
const STATUS_ORDER: Record<PackageModel['state']['status'], number> = { ready: 0, error: 1, loading: 2, nothing: 3 };

/** Maps the VersionsStore to tree items. Holds no state of its own. */
export class VersionsTree implements vscode.TreeDataProvider<VersionNode> {
  private readonly changed = new vscode.EventEmitter<VersionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: VersionsStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getChildren(node?: VersionNode): VersionNode[] {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'repository': {
        // A warning every plan has (about the repository: its tags, a shallow clone) once, above them.
        const warnings = repositoryWarnings(node.packages).map((w, i): VersionNode => ({ kind: 'message', id: `${node.repo.root}::warning-${i}`, label: w, icon: 'warning', tooltip: w }));
        // What there is to release (or to look at) first: in a monorepo of 30 packages the few with a
        // plan were lost among those with nothing to release. Otherwise in the packages' order.
        const packages = [...node.packages].sort((a, b) => STATUS_ORDER[a.state.status] - STATUS_ORDER[b.state.status]);
        return [...warnings, ...packages.map((pkg): VersionNode => ({ kind: 'package', pkg }))];
      }
      case 'package':
        return this.packageChildren(node.pkg);
      case 'group':
        return node.commits.map((commit) => ({ kind: 'commit', pkg: node.pkg, group: node.group, commit }));
      default:
        return [];
    }
  }

  private roots(): VersionNode[] {
    switch (this.store.state) {
      case 'loading':
        return [{ kind: 'message', id: 'loading', label: 'Looking for packages…', icon: 'loading~spin' }];
      case 'ready':
        // A single-package repository is its package, and so is one release unit (lerna fixed mode:
        // its packages below it); a monorepo of several packages groups them.
        return this.store.groups.flatMap(({ repo, monorepo, packages }): VersionNode[] =>
          monorepo && !(packages.length === 1 && packages[0].members.length > 0) ? [{ kind: 'repository', repo, packages }] : packages.map((pkg) => ({ kind: 'package', pkg })),
        );
      default:
        return []; // noRepositories / noPackages: viewsWelcome content with buttons
    }
  }

  private packageChildren(pkg: PackageModel): VersionNode[] {
    const s = pkg.state;
    const msg = (id: string, label: string, icon: string, extra: Partial<Extract<VersionNode, { kind: 'message' }>> = {}): VersionNode => ({ kind: 'message', pkg, id, label, icon, ...extra });
    switch (s.status) {
      case 'loading':
        return [msg('loading', 'Reading commits since the last release…', 'loading~spin')];
      case 'error':
        return [msg('error', `${s.error.message} (click to retry)`, 'error', { tooltip: s.error.message, command: { command: CommandIds.refreshVersions, title: 'Retry' }, contextValue: 'error' })];
      case 'nothing':
        return [msg('nothing', 'Nothing to release', 'check', { tooltip: s.message, contextValue: 'nothingToRelease' }), ...this.members(pkg)];
      case 'ready': {
        const shown = this.store.groups.find((g) => g.packages.includes(pkg));
        const shared = shown ? repositoryWarnings(shown.packages) : [];
        return [
          ...s.plan.warnings.filter((w) => !shared.includes(w)).map((w, i) => msg(`warning-${i}`, w, 'warning', { tooltip: w })),
          ...this.members(pkg),
          ...groupCommits(s.plan.commits).map((g): VersionNode => ({ kind: 'group', pkg, group: g.group, commits: g.commits })),
        ];
      }
    }
  }

  private members(pkg: PackageModel): VersionNode[] {
    return pkg.members.map((member): VersionNode => ({ kind: 'member', pkg, member }));
  }

  getTreeItem(node: VersionNode): vscode.TreeItem {
    switch (node.kind) {
      case 'member':
        return memberItem(node.pkg, node.member);
      case 'message': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = `${node.pkg?.key ?? ''}::message::${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip;
        item.command = node.command;
        item.contextValue = node.contextValue ?? 'message';
        return item;
      }
      case 'repository': {
        const ready = node.packages.filter((p) => p.state.status === 'ready');
        const item = new vscode.TreeItem(node.repo.name, Expanded);
        item.id = `${node.repo.root}::repository`;
        item.description = `${node.packages.length} package${node.packages.length === 1 ? '' : 's'} · ${ready.length ? `${ready.length} to release` : 'nothing to release'}`;
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown(`**${escapeMd(node.repo.name)}** — ${escapeMd(node.repo.root)}`);
        for (const p of node.packages) md.appendMarkdown(`\n\n$(package) ${escapeMd(p.name)} ${escapeMd(describeState(p.state))}`);
        if (ready.length) md.appendMarkdown(`\n\nBump Version releases ${ready.map((p) => `\`${p.state.status === 'ready' ? p.state.plan.tag : p.name}\``).join(', ')} in one commit`);
        item.tooltip = md;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.resourceUri = vscode.Uri.file(node.repo.root);
        // `package…` so that the Bump Version menu entries (viewItem =~ /^package\b/) apply to it too.
        item.contextValue = `package repository${ready.length ? ' releasable' : ''}`;
        return item;
      }
      case 'package': {
        const pkg = node.pkg;
        const s = pkg.state;
        const item = new vscode.TreeItem(pkg.name, Expanded);
        item.id = `${pkg.key}::package`;
        // A release unit (packages below it) says its tag too: the one tag its packages are released under.
        item.description = describeState(s) + (pkg.members.length && s.status === 'ready' ? ` · ${s.plan.tag}` : '');
        item.tooltip = packageTooltip(pkg);
        item.iconPath = new vscode.ThemeIcon(s.status === 'error' ? 'error' : s.status === 'loading' ? 'loading~spin' : ecosystemIcon(pkg.ecosystem), s.status === 'ready' ? new vscode.ThemeColor('charts.blue') : undefined);
        item.resourceUri = vscode.Uri.file(pkg.absoluteDir);
        item.contextValue = s.status === 'ready' ? 'package releasable' : 'package';
        return item;
      }
      case 'group': {
        const g = COMMIT_GROUPS.find((x) => x.id === node.group)!;
        const item = new vscode.TreeItem(g.title, node.commits.length > EXPANDED_GROUP_MAX ? Collapsed : Expanded);
        item.id = `${node.pkg.key}::group::${node.group}`;
        item.description = String(node.commits.length);
        item.iconPath = new vscode.ThemeIcon(g.icon);
        item.contextValue = `commitGroup ${node.group}`;
        return item;
      }
      case 'commit': {
        const c = node.commit;
        const item = new vscode.TreeItem(c.subject || '(no message)', None);
        item.id = `${node.pkg.key}::commit::${c.sha}`;
        item.description = [c.scope, c.sha.slice(0, 7)].filter(Boolean).join(' · ');
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown(`**${escapeMd(`${c.type}${c.scope ? `(${c.scope})` : ''}${c.breaking ? '!' : ''}: ${c.subject}`)}**\n\n$(git-commit) \`${c.sha}\``);
        if (c.breaking) md.appendMarkdown('\n\n$(warning) Breaking change');
        item.tooltip = md;
        item.iconPath = new vscode.ThemeIcon(c.breaking ? 'warning' : 'git-commit');
        item.command = { command: CommandIds.openCommit, title: 'Show Commit', arguments: [{ repository: node.pkg.repo.root, ref: c.sha }] };
        item.contextValue = 'releaseCommit';
        return item;
      }
    }
  }
}

/** A package of a release unit: its name, its version (and where it goes), its ecosystem's icon; the tooltip says where its version lives. */
function memberItem(pkg: PackageModel, m: MemberPackage): vscode.TreeItem {
  const s = pkg.state;
  const next = s.status === 'ready' && m.moves ? s.plan.next : null;
  const item = new vscode.TreeItem(m.name, None);
  item.id = `${pkg.key}::member::${m.dir}`;
  item.description = [m.dir, next ? `${m.version ?? '?'} → ${next}` : (m.version ?? undefined), s.status === 'ready' && !next ? 'stays' : undefined].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(m.name)}** — ${escapeMd(m.dir)}`);
  md.appendMarkdown(`\n\n$(${ecosystemIcon(m.ecosystem)}) ${m.ecosystem ? `${escapeMd(m.ecosystem)}: ` : ''}${escapeMd(m.where)}`);
  md.appendMarkdown(`\n\n$(layers) released with ${escapeMd(pkg.name)}${pkg.where ? ` (${escapeMd(pkg.where)})` : ''}`);
  if (s.status === 'ready') {
    md.appendMarkdown(
      next
        ? `\n\n$(arrow-right) moves to **${escapeMd(next)}** in release \`${s.plan.tag}\``
        : `\n\n$(circle-slash) stays at ${escapeMd(m.version ?? '?')}: no commit of its own since ${escapeMd(s.plan.previousTag ?? 'the first commit')} and none of the packages it depends on moves`,
    );
  }
  item.tooltip = md;
  item.iconPath = new vscode.ThemeIcon(ecosystemIcon(m.ecosystem));
  const dir = m.dir === '.' ? pkg.repo.root : path.join(pkg.repo.root, ...m.dir.split('/'));
  item.resourceUri = vscode.Uri.file(dir);
  if (m.manifest) item.command = { command: 'vscode.open', title: 'Open Manifest', arguments: [vscode.Uri.file(path.join(pkg.repo.root, ...m.manifest.split('/')))] };
  item.contextValue = `unitMember${next ? ' moving' : ''}`;
  return item;
}

function packageTooltip(pkg: PackageModel): vscode.MarkdownString {
  const s = pkg.state;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(pkg.name)}**${pkg.dir === '.' ? '' : ` — ${escapeMd(pkg.dir)}`}\n\n$(repo) ${escapeMd(pkg.repo.name)}`);
  if (pkg.where) md.appendMarkdown(`\n\n$(${ecosystemIcon(pkg.ecosystem)}) ${pkg.ecosystem ? `${escapeMd(pkg.ecosystem)}: ` : ''}${escapeMd(pkg.where)}`);
  switch (s.status) {
    case 'ready': {
      const p = s.plan;
      md.appendMarkdown(`\n\n$(tag) ${escapeMd(p.current)} → **${escapeMd(p.next)}** (${p.releaseType})`);
      md.appendMarkdown(`\n\n$(info) ${escapeMd(p.reason)}`);
      md.appendMarkdown(`\n\n$(history) ${p.previousTag ? `${p.commits.length} commit${p.commits.length === 1 ? '' : 's'} since ${escapeMd(p.previousTag)}` : `no release tag yet: ${p.commits.length} commits since the first`}`);
      if (p.members?.length) md.appendMarkdown(`\n\n$(layers) ${p.members.length} package${p.members.length === 1 ? '' : 's'} move${p.members.length === 1 ? 's' : ''} to ${escapeMd(p.next)}: ${p.members.map((m) => escapeMd(m)).join(', ')}`);
      md.appendMarkdown(`\n\nRelease as tag \`${p.tag}\`, touching ${p.files.map((f) => `\`${f.path}\``).join(', ')}`);
      break;
    }
    case 'nothing':
      md.appendMarkdown(`\n\n$(tag) ${escapeMd(s.current)}${s.lastTag ? ` (${escapeMd(s.lastTag)})` : ''}\n\n$(check) ${escapeMd(s.message)}`);
      break;
    case 'error':
      md.appendMarkdown(`\n\n$(error) ${escapeMd(s.error.message)}`);
      break;
    case 'loading':
      md.appendMarkdown('\n\n$(loading~spin) reading commits…');
  }
  return md;
}

/** The icon of a package's ecosystem (codicons): npm, lerna, Rust, Python, Java, Go, Helm, .NET; a tag for tags-only packages. */
export const ECOSYSTEM_ICONS: Readonly<Record<string, string>> = {
  npm: 'package',
  lerna: 'layers',
  cargo: 'gear',
  python: 'symbol-namespace',
  maven: 'coffee',
  gradle: 'coffee',
  go: 'symbol-interface',
  helm: 'compass',
  dotnet: 'symbol-class',
  versionFiles: 'file-code',
};

export function ecosystemIcon(ecosystem: string | null): string {
  return ecosystem === null ? 'tag' : (ECOSYSTEM_ICONS[ecosystem] ?? 'package');
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
