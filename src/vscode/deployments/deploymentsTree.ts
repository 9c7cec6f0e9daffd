/**
 * The Deployments tree: (repository →) environment → what is deployed now, health checks, history;
 * and a "Pending approvals" group of the deployments waiting for a review. Pure presentation of
 * DeploymentsStore; `inspect()` returns the same as plain data for tests.
 */
import * as vscode from 'vscode';
import type { DeploymentSummary } from '../../core/deploy/environments';
import type { DeploymentsStore, EnvironmentView, PendingRun, RepoDeployments } from './deploymentsStore';
import { formatAgoIso } from '../../core/format';
import { briefGitHubMessage } from '../../core/github/classify';
import { InternalCommandIds } from '../ids';

export type DeploymentsNode =
  | { kind: 'repo'; repo: RepoDeployments }
  | { kind: 'environment'; root: string; view: EnvironmentView }
  | { kind: 'check'; root: string; environment: string; check: EnvironmentView['checks'][number] }
  | { kind: 'target'; root: string; environment: string; target: TargetState }
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
      case 'environment': {
        const targets = targetStates(node.view);
        return [
          ...node.view.checks.filter((c) => !targets.length || c.target === null).map((check): DeploymentsNode => ({ kind: 'check', root: node.root, environment: node.view.env.name, check })),
          ...targets.map((target): DeploymentsNode => ({ kind: 'target', root: node.root, environment: node.view.env.name, target })),
          ...(node.view.history.length ? [{ kind: 'history', root: node.root, view: node.view } as const] : []),
        ];
      }
      case 'history': {
        const rows: DeploymentsNode[] = node.view.history.map((deployment) => ({ kind: 'deployment', root: node.root, deployment }));
        if (node.view.historyMore) {
          const args = { repository: node.root, environment: node.view.env.name };
          rows.push({ kind: 'message', text: 'Load older deployments…', icon: 'ellipsis', command: { command: InternalCommandIds.loadMoreDeployments, title: 'Load Older Deployments', arguments: [args] } });
        }
        return rows;
      }
      case 'pendingGroup':
        return node.runs.flatMap((run) => run.environments.map((p): DeploymentsNode => ({ kind: 'pending', root: node.root, run, environment: p.environment, canApprove: p.currentUserCanApprove, reviewers: p.reviewers })));
      default:
        return [];
    }
  }

  private repoChildren(repo: RepoDeployments): DeploymentsNode[] {
    switch (repo.state) {
      case 'loading':
        if (repo.environments.length === 0) return [{ kind: 'message', text: 'Loading environments…', icon: 'loading~spin' }];
        break;
      case 'signedOut':
        return [{ kind: 'message', text: 'Sign in to GitHub to see environments and deployments', icon: 'account', command: { command: 'sdlc.github.signIn', title: 'Sign in to GitHub' } }];
      case 'noGitHub':
        return [{ kind: 'message', text: 'No GitHub remote: environments and deployments live on GitHub', icon: 'info', tooltip: 'Deployments, environments and their approvals live on GitHub: add a remote that points to github.com (or your GitHub Enterprise host) to see them here. Health checks of targets in .sdlc.json still run from the CLI (sdlc health).' }];
      case 'error': {
        // The error first (a click retries), then what the last good load showed, if anything.
        const error: DeploymentsNode = {
          kind: 'message',
          text: `Could not load deployments: ${briefGitHubMessage(repo.error ?? 'unknown error')} (click to retry)`,
          icon: 'error',
          tooltip: `${repo.error ?? 'unknown error'}\n\n${repo.environments.length ? 'The environments below are from the last successful load. ' : ''}Click to retry; details are in the SDLC log (SDLC: Show Log).`,
          command: { command: 'sdlc.deployments.refresh', title: 'Retry' },
        };
        if (repo.environments.length === 0) return [error];
        return [error, ...this.environmentNodes(repo)];
      }
      case 'ready':
        if (repo.environments.length === 0) return [{ kind: 'message', text: 'No environments on GitHub or in .sdlc.json.', icon: 'info', tooltip: 'Create an environment in the repository\'s settings on GitHub, or add one under "environments" in .sdlc.json.' }];
    }
    return this.environmentNodes(repo);
  }

  private environmentNodes(repo: RepoDeployments): DeploymentsNode[] {
    const root = repo.repo.root;
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
        const targets = targetStates(view);
        const deployed = targets.some((t) => t.current || t.running) ? describeTargets(targets) : [current ? `${current.ref}` : 'nothing deployed', latest && latest !== current ? `latest ${latest.ref}: ${latest.status}` : ''];
        item.description = [...deployed, view.env.protected ? 'protected' : '', view.continuous ? 'continuous' : ''].filter(Boolean).join(' · ');
        const running = latest?.status === 'in-progress' || targets.some((t) => t.running);
        const [icon, color] = HEALTH_ICON[running ? 'unknown' : view.health];
        item.iconPath = running ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
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
      case 'target': {
        const t = node.target;
        const item = new vscode.TreeItem(t.name);
        const health = worst(t.checks.map((c) => c.state));
        const [icon, color] = HEALTH_ICON[health];
        item.iconPath = t.running ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        const ref = t.running ? `${t.current?.ref ?? 'nothing'} → ${t.running.ref} ${t.running.statusState === 'queued' || t.running.statusState === 'pending' ? 'queued' : 'in progress'}` : (t.current?.ref ?? 'nothing deployed');
        const checks = t.checks.length === 1 ? [`${t.checks[0].message} · ${Math.round(t.checks[0].latencyMs)} ms`] : t.checks.length ? [`${t.checks.filter((c) => c.state === 'healthy').length}/${t.checks.length} checks healthy`] : [];
        item.description = [ref, ...checks].join(' · ');
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${node.environment} / ${t.name}**\n\n`);
        md.appendMarkdown(t.current ? `Deployed: \`${t.current.ref}\` (${t.current.sha.slice(0, 7)}) by ${t.current.creator ?? '?'}, ${exact(t.current.createdAt)}\n\n` : 'Nothing deployed yet\n\n');
        if (t.running) md.appendMarkdown(`In progress: \`${t.running.ref}\` (#${t.running.id}${t.running.statuses[0]?.description ? `: ${t.running.statuses[0].description}` : ''})\n\n`);
        for (const c of t.checks) md.appendMarkdown(`- ${c.name}: ${c.state} (${c.message}), p50 ${fmt(c.stats.p50)}, p95 ${fmt(c.stats.p95)}, uptime ${c.stats.uptime === null ? '–' : `${(c.stats.uptime * 100).toFixed(1)}%`}\n`);
        item.tooltip = md;
        item.contextValue = 'target';
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('History', vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('history');
        item.description = `${node.view.history.length}${node.view.historyMore ? '+' : ''} deployments`;
        return item;
      }
      case 'deployment': {
        const d = node.deployment;
        const item = new vscode.TreeItem(`${d.ref}${d.target ? ` (${d.target})` : ''}`);
        item.description = `${d.status} · ${d.creator ?? '?'} · ${formatAgoIso(d.createdAt) ?? d.createdAt}`;
        item.iconPath = new vscode.ThemeIcon(d.status === 'success' ? 'check' : d.status === 'failure' ? 'close' : d.status === 'in-progress' ? 'sync~spin' : 'circle-outline');
        item.tooltip = `#${d.id} ${d.ref} (${d.sha.slice(0, 12)}) → ${d.environment}${d.target ? ` (${d.target})` : ''}\ncreated ${exact(d.createdAt)} by ${d.creator ?? '?'}${d.description ? `: ${d.description}` : ''}\n${d.statuses.map((s) => `${exact(s.createdAt)} ${s.state}${s.description ? `: ${s.description}` : ''}`).join('\n')}`;
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

/** What one target of an environment runs: its newest successful deployment and a newer one still going. */
export interface TargetState {
  name: string;
  current: DeploymentSummary | null;
  running: DeploymentSummary | null;
  checks: EnvironmentView['checks'];
}

/** Per target of an environment with targets (empty for one without), from its newest-first history. */
export function targetStates(view: EnvironmentView): TargetState[] {
  return view.env.targets.map((name) => {
    const mine = view.history.filter((d) => d.target === name);
    const currentIndex = mine.findIndex((d) => d.status === 'success');
    const runningIndex = mine.findIndex((d) => d.status === 'in-progress');
    return {
      name,
      current: currentIndex >= 0 ? mine[currentIndex] : null,
      running: runningIndex >= 0 && (currentIndex < 0 || runningIndex < currentIndex) ? mine[runningIndex] : null,
      checks: view.checks.filter((c) => c.target === name),
    };
  });
}

/** "v1.2.0" when every target runs it, else "v1.2.0 on eu-1 · v1.0.0 on us-1, ap-1", plus what is in progress. */
export function describeTargets(targets: readonly TargetState[]): string[] {
  const byRef = new Map<string, string[]>();
  for (const t of targets) {
    const ref = t.current?.ref ?? 'nothing';
    byRef.set(ref, [...(byRef.get(ref) ?? []), t.name]);
  }
  const refs = [...byRef.entries()];
  const out = refs.length === 1 ? [refs[0][0] === 'nothing' ? 'nothing deployed' : refs[0][0]] : refs.map(([ref, names]) => `${ref} on ${names.join(', ')}`);
  for (const t of targets) if (t.running) out.push(`${t.name} → ${t.running.ref} in progress`);
  return out;
}

function worst(states: ReadonlyArray<string>): 'healthy' | 'degraded' | 'unhealthy' | 'unknown' {
  if (states.includes('unhealthy')) return 'unhealthy';
  if (states.includes('degraded')) return 'degraded';
  return states.length && states.every((s) => s === 'healthy') ? 'healthy' : 'unknown';
}


function exact(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}

function fmt(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms)} ms`;
}

function environmentTooltip(view: EnvironmentView): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${view.env.name}**${view.env.protected ? ' (protected)' : ''}\n\n`);
  if (view.current) md.appendMarkdown(`Deployed: \`${view.current.ref}\` (${view.current.sha.slice(0, 7)}) by ${view.current.creator ?? '?'}, ${exact(view.current.createdAt)}\n\n`);
  else md.appendMarkdown('Nothing deployed yet\n\n');
  md.appendMarkdown(`Health: ${view.health}\n\n`);
  for (const c of view.checks) {
    md.appendMarkdown(`- ${c.name}: ${c.state}, p50 ${fmt(c.stats.p50)}, p95 ${fmt(c.stats.p95)}, uptime ${c.stats.uptime === null ? '–' : `${(c.stats.uptime * 100).toFixed(1)}%`}\n`);
  }
  if (view.env.reviewers.length) md.appendMarkdown(`\nReviewers: ${view.env.reviewers.join(', ')}\n`);
  return md;
}
