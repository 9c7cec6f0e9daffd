/**
 * The Deployments tree: (repository →) environment → what is deployed now, health checks, history;
 * and a "Pending approvals" group of the deployments waiting for a review. Pure presentation of
 * DeploymentsStore; `inspect()` returns the same as plain data for tests.
 */
import * as vscode from 'vscode';
import type { DeploymentSummary } from '../../core/deploy/environments';
import type { DeploymentsStore, EnvironmentView, PendingRun, RepoDeployments } from './deploymentsStore';

export type DeploymentsNode =
  | { kind: 'repo'; repo: RepoDeployments }
  | { kind: 'environment'; root: string; view: EnvironmentView }
  | { kind: 'check'; root: string; environment: string; check: EnvironmentView['checks'][number] }
  | { kind: 'history'; root: string; view: EnvironmentView }
  | { kind: 'deployment'; root: string; deployment: DeploymentSummary }
  | { kind: 'pendingGroup'; root: string; runs: PendingRun[] }
  | { kind: 'pending'; root: string; run: PendingRun; environment: string; canApprove: boolean; reviewers: string[] }
  | { kind: 'message'; text: string; icon?: string; tooltip?: string; command?: vscode.Command };

const HEALTH_ICON: Record<string, [string, string | undefined]> = {
  healthy: ['pass', 'testing.iconPassed'],
  degraded: ['warning', 'list.warningForeground'],
  unhealthy: ['error', 'testing.iconFailed'],
  unknown: ['circle-outline', undefined],
};

export class DeploymentsTree implements vscode.TreeDataProvider<DeploymentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: DeploymentsStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getChildren(node?: DeploymentsNode): DeploymentsNode[] {
    if (!node) {
      const repos = this.store.repositories;
      if (repos.length === 0) return [{ kind: 'message', text: 'No git repository in the workspace.', icon: 'info' }];
      return repos.length === 1 ? this.repoChildren(repos[0]) : repos.map((repo) => ({ kind: 'repo', repo }));
    }
    switch (node.kind) {
      case 'repo':
        return this.repoChildren(node.repo);
      case 'environment':
        return [
          ...node.view.checks.map((check): DeploymentsNode => ({ kind: 'check', root: node.root, environment: node.view.env.name, check })),
          ...(node.view.history.length ? [{ kind: 'history', root: node.root, view: node.view } as const] : []),
        ];
      case 'history':
        return node.view.history.map((deployment) => ({ kind: 'deployment', root: node.root, deployment }));
      case 'pendingGroup':
        return node.runs.flatMap((run) => run.environments.map((p): DeploymentsNode => ({ kind: 'pending', root: node.root, run, environment: p.environment, canApprove: p.currentUserCanApprove, reviewers: p.reviewers })));
      default:
        return [];
    }
  }

  private repoChildren(repo: RepoDeployments): DeploymentsNode[] {
    const root = repo.repo.root;
    switch (repo.state) {
      case 'loading':
        if (repo.environments.length === 0) return [{ kind: 'message', text: 'Loading environments…', icon: 'loading~spin' }];
        break;
      case 'signedOut':
        return [{ kind: 'message', text: 'Sign in to GitHub to see environments and deployments.', icon: 'sign-in', command: { command: 'sdlc.github.signIn', title: 'Sign in to GitHub' } }];
      case 'noGitHub':
        return [{ kind: 'message', text: `${repo.repo.name} has no GitHub remote.`, icon: 'info', tooltip: 'Deployments, environments and their approvals live on GitHub: add a remote that points to github.com (or your GitHub Enterprise host) to see them here. Health checks of targets in .sdlc.json still run from the CLI (sdlc health).' }];
      case 'error':
        return [{ kind: 'message', text: `Could not load deployments: ${repo.error ?? 'unknown error'}`, icon: 'error', command: { command: 'sdlc.showLog', title: 'Show Log' } }];
      case 'ready':
        if (repo.environments.length === 0) return [{ kind: 'message', text: 'No environments on GitHub or in .sdlc.json.', icon: 'info', tooltip: 'Create an environment in the repository\'s settings on GitHub, or add one under "environments" in .sdlc.json.' }];
    }
    const out: DeploymentsNode[] = [];
    if (repo.pending.length) out.push({ kind: 'pendingGroup', root, runs: repo.pending });
    out.push(...repo.environments.map((view): DeploymentsNode => ({ kind: 'environment', root, view })));
    return out;
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repo': {
        const item = new vscode.TreeItem(node.repo.repo.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = 'repository';
        return item;
      }
      case 'environment': {
        const { view } = node;
        const item = new vscode.TreeItem(view.env.name, vscode.TreeItemCollapsibleState.Collapsed);
        const current = view.current;
        const latest = view.history[0];
        item.description = [current ? `${current.ref}` : 'nothing deployed', latest && latest !== current ? `latest ${latest.ref}: ${latest.status}` : '', view.continuous ? 'continuous' : ''].filter(Boolean).join(' · ');
        const [icon, color] = HEALTH_ICON[latest?.status === 'in-progress' ? 'unknown' : view.health];
        item.iconPath = latest?.status === 'in-progress' ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.tooltip = environmentTooltip(view);
        item.contextValue = ['environment', view.env.protected ? 'protected' : '', view.continuous ? 'continuousOn' : 'continuousOff', current ? 'deployed' : ''].filter(Boolean).join(' ');
        item.id = `${node.root}\0env\0${view.env.name}`;
        return item;
      }
      case 'check': {
        const c = node.check;
        const item = new vscode.TreeItem(`${c.target ? `${c.target}: ` : ''}${c.name}`);
        const [icon, color] = HEALTH_ICON[c.state];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.description = `${c.message} · ${Math.round(c.latencyMs)} ms`;
        item.tooltip = `${c.name}\n${c.message}\np50 ${fmt(c.stats.p50)} · p95 ${fmt(c.stats.p95)} · uptime ${c.stats.uptime === null ? '–' : `${(c.stats.uptime * 100).toFixed(1)}%`} (last hour, ${c.stats.samples} probes)${c.certificate ? `\ncertificate valid to ${c.certificate.validTo} (${Math.floor(c.certificate.daysLeft)} days)` : ''}`;
        item.contextValue = 'healthCheck';
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('History', vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('history');
        item.description = `${node.view.history.length} deployments`;
        return item;
      }
      case 'deployment': {
        const d = node.deployment;
        const item = new vscode.TreeItem(`${d.ref}${d.target ? ` (${d.target})` : ''}`);
        item.description = `${d.status} · ${d.creator ?? '?'} · ${d.createdAt}`;
        item.iconPath = new vscode.ThemeIcon(d.status === 'success' ? 'check' : d.status === 'failure' ? 'close' : d.status === 'in-progress' ? 'sync~spin' : 'circle-outline');
        item.tooltip = `#${d.id} ${d.ref} (${d.sha.slice(0, 12)}) → ${d.environment}\n${d.statuses.map((s) => `${s.createdAt} ${s.state}${s.description ? `: ${s.description}` : ''}`).join('\n')}`;
        item.contextValue = d.logUrl ? 'deployment withLog' : 'deployment';
        return item;
      }
      case 'pendingGroup': {
        const count = node.runs.reduce((n, r) => n + r.environments.length, 0);
        const item = new vscode.TreeItem(`Pending approvals (${count})`, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('bell-dot');
        return item;
      }
      case 'pending': {
        const item = new vscode.TreeItem(`${node.environment}: ${node.run.name} ${node.run.ref}`);
        item.description = node.canApprove ? 'waiting for your review' : `waiting for ${node.reviewers.join(', ') || 'a reviewer'}`;
        item.iconPath = new vscode.ThemeIcon('person');
        item.tooltip = `Run ${node.run.runId}: ${node.run.runUrl}`;
        item.contextValue = node.canApprove ? 'pending canApprove' : 'pending';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip;
        item.command = node.command;
        return item;
      }
    }
  }

  /** The tree as plain data for tests (labels, descriptions, context values). */
  inspect(): unknown {
    const walk = (node?: DeploymentsNode, depth = 0): unknown[] =>
      this.getChildren(node).map((child) => {
        const item = this.getTreeItem(child);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        return { label, description: item.description ?? '', contextValue: item.contextValue ?? '', children: depth < 3 ? walk(child, depth + 1) : [] };
      });
    return { pending: this.store.pendingCount, items: walk() };
  }
}

function fmt(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms)} ms`;
}

function environmentTooltip(view: EnvironmentView): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${view.env.name}**${view.env.protected ? ' (protected)' : ''}\n\n`);
  if (view.current) md.appendMarkdown(`Deployed: \`${view.current.ref}\` (${view.current.sha.slice(0, 7)}) by ${view.current.creator ?? '?'} at ${view.current.createdAt}\n\n`);
  else md.appendMarkdown('Nothing deployed yet\n\n');
  md.appendMarkdown(`Health: ${view.health}\n\n`);
  for (const c of view.checks) {
    md.appendMarkdown(`- ${c.name}: ${c.state}, p50 ${fmt(c.stats.p50)}, p95 ${fmt(c.stats.p95)}, uptime ${c.stats.uptime === null ? '–' : `${(c.stats.uptime * 100).toFixed(1)}%`}\n`);
  }
  if (view.env.reviewers.length) md.appendMarkdown(`\nReviewers: ${view.env.reviewers.join(', ')}\n`);
  return md;
}
