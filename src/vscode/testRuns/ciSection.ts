/**
 * The CI part of the Test Runs tree (a `TestRunsSection` plugged into TestRunsTree): under each
 * repository's "CI" group, the workflow runs of its current branch → jobs → steps, and the run's
 * artifacts. Maps `CiStore` to tree items; holds no data of its own.
 */
import * as vscode from 'vscode';
import type { GitHubRepoRef } from '../../core/git/git';
import { isRunInProgress, type WorkflowArtifact, type WorkflowJob, type WorkflowRun, type WorkflowStep } from '../../core/github/actions';
import { CommandIds } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { TestRunsSection } from './testRunsNodes';
import type { CiStore, Loadable, RepoCi } from './ciStore';
import { formatBytes } from '../../core/format';

const { Collapsed, None } = vscode.TreeItemCollapsibleState;

export type CiNode =
  | { kind: 'ciRun'; root: string; repo: GitHubRepoRef; run: WorkflowRun }
  | { kind: 'ciJob'; root: string; repo: GitHubRepoRef; run: WorkflowRun; job: WorkflowJob }
  | { kind: 'ciStep'; root: string; job: WorkflowJob; step: WorkflowStep }
  | { kind: 'ciArtifacts'; root: string; repo: GitHubRepoRef; run: WorkflowRun }
  | { kind: 'ciArtifact'; root: string; repo: GitHubRepoRef; run: WorkflowRun; artifact: WorkflowArtifact }
  | { kind: 'ciMessage'; id: string; label: string; icon: string; tooltip?: string; command?: vscode.Command };

export function isCiNode(x: unknown): x is CiNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string' && (x as { kind: string }).kind.startsWith('ci');
}

export class CiSection implements TestRunsSection<CiNode>, vscode.Disposable {
  readonly label = 'CI';
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly store: CiStore) {
    this.onDidChange = store.onDidChange;
  }

  dispose(): void {
    // The store is owned by the composition root.
  }

  roots(model: RepositoryModel): CiNode[] {
    const root = model.root;
    if (!model.githubRemote()) return [message(`${root}:noRemote`, 'No GitHub remote', 'info')];
    if (!model.snapshot) return [message(`${root}:loading`, 'Loading…', 'loading~spin')];
    if (!model.snapshot.head.branch) return [message(`${root}:detached`, 'Detached HEAD: CI runs are listed per branch', 'info')];
    const entry = this.store.entryFor(model);
    if (!entry) return [];
    switch (entry.state) {
      case 'loading':
        return [message(`${root}:loading`, 'Loading workflow runs…', 'loading~spin')];
      case 'signedOut':
        return [message(`${root}:signedOut`, 'Sign in to GitHub to see CI runs', 'account', { command: CommandIds.signIn, title: 'Sign in to GitHub' })];
      case 'error':
        return [
          message(`${root}:error`, `${entry.error?.message ?? 'GitHub failed'}`, 'error', { command: CommandIds.ciRefresh, title: 'Retry', arguments: [{ repository: root }] }),
        ];
      case 'ready':
        if (entry.runs.length === 0) return [message(`${root}:noRuns`, `No workflow runs on ${entry.branch}`, 'info')];
        return entry.runs.map((run) => ({ kind: 'ciRun', root, repo: entry.repo, run }));
    }
  }

  children(node: CiNode): CiNode[] {
    const entry = 'root' in node ? this.store.entryByRoot(node.root) : undefined;
    switch (node.kind) {
      case 'ciRun': {
        if (!entry) return [];
        const jobs = loadable(this.store.ensureJobs(entry, node.run.id), `${node.root}:${node.run.id}:jobs`, (list) =>
          list.length ? list.map((job): CiNode => ({ kind: 'ciJob', root: node.root, repo: node.repo, run: node.run, job })) : [message(`${node.root}:${node.run.id}:noJobs`, 'No jobs', 'info')],
        );
        return [...jobs, { kind: 'ciArtifacts', root: node.root, repo: node.repo, run: node.run }];
      }
      case 'ciJob':
        return node.job.steps.map((step) => ({ kind: 'ciStep', root: node.root, job: node.job, step }));
      case 'ciArtifacts': {
        if (!entry) return [];
        return loadable(this.store.ensureArtifacts(entry, node.run.id), `${node.root}:${node.run.id}:artifacts`, (list) =>
          list.length
            ? list.map((artifact): CiNode => ({ kind: 'ciArtifact', root: node.root, repo: node.repo, run: node.run, artifact }))
            : [message(`${node.root}:${node.run.id}:noArtifacts`, isRunInProgress(node.run) ? 'No artifacts yet' : 'No artifacts', 'info')],
        );
      }
      default:
        return [];
    }
  }

  treeItem(node: CiNode): vscode.TreeItem {
    switch (node.kind) {
      case 'ciRun': {
        const { run } = node;
        const item = new vscode.TreeItem(`${run.name} #${run.runNumber}`, Collapsed);
        item.id = `ci:run:${run.id}`;
        item.description = [outcome(run.status, run.conclusion), formatDuration(run.durationMs), run.attempt > 1 ? `attempt ${run.attempt}` : undefined, run.event, run.sha.slice(0, 7)]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = new vscode.MarkdownString(`**${escape(run.title)}**\n\n${run.name} #${run.runNumber} · ${run.event} · ${run.branch ?? ''} @ \`${run.sha.slice(0, 7)}\`\n\nStatus: ${run.status}${run.conclusion ? ` (${run.conclusion})` : ''} · started ${run.startedAt}`);
        item.iconPath = icon(run.status, run.conclusion);
        const flags = ['ciRun', isRunInProgress(run) ? 'running' : 'completed'];
        if (run.conclusion === 'failure' || run.conclusion === 'cancelled' || run.conclusion === 'timed_out') flags.push('failed');
        item.contextValue = flags.join(' ');
        return item;
      }
      case 'ciJob': {
        const { job } = node;
        const item = new vscode.TreeItem(job.name, job.steps.length ? Collapsed : None);
        item.id = `ci:job:${job.id}`;
        item.description = [outcome(job.status, job.conclusion), job.durationMs === null ? undefined : formatDuration(job.durationMs)].filter(Boolean).join(' · ');
        item.iconPath = icon(job.status, job.conclusion);
        item.contextValue = `ciJob ${job.status === 'completed' ? 'completed' : 'running'}`;
        item.command = { command: CommandIds.ciOpenJobLog, title: 'Open Log', arguments: [{ repository: node.root, jobId: job.id, name: job.name }] };
        return item;
      }
      case 'ciStep': {
        const { step } = node;
        const item = new vscode.TreeItem(`${step.number}. ${step.name}`, None);
        item.id = `ci:job:${node.job.id}:step:${step.number}`;
        item.description = [outcome(step.status, step.conclusion), step.durationMs === null ? undefined : formatDuration(step.durationMs)].filter(Boolean).join(' · ');
        item.iconPath = icon(step.status, step.conclusion);
        item.contextValue = 'ciStep';
        return item;
      }
      case 'ciArtifacts': {
        const item = new vscode.TreeItem('Artifacts', Collapsed);
        item.id = `ci:run:${node.run.id}:artifacts`;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'ciArtifacts';
        return item;
      }
      case 'ciArtifact': {
        const { artifact } = node;
        const item = new vscode.TreeItem(artifact.name, None);
        item.id = `ci:artifact:${artifact.id}`;
        item.description = artifact.expired ? 'expired' : formatBytes(artifact.sizeInBytes);
        item.iconPath = new vscode.ThemeIcon(artifact.expired ? 'circle-slash' : 'file-zip');
        item.contextValue = artifact.expired ? 'ciArtifact expired' : 'ciArtifact';
        item.tooltip = `${artifact.name} · ${formatBytes(artifact.sizeInBytes)}${artifact.expiresAt ? ` · expires ${artifact.expiresAt}` : ''}`;
        return item;
      }
      case 'ciMessage': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = `ci:message:${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip ?? node.label;
        item.command = node.command;
        item.contextValue = 'ciMessage';
        return item;
      }
    }
  }
}

/** The nodes for a list that loads: a spinner, an error with Retry, or `ready(list)`. */
function loadable<T>(value: Loadable<T>, id: string, ready: (list: T) => CiNode[]): CiNode[] {
  if (value.state === 'loading') return [message(`${id}:loading`, 'Loading…', 'loading~spin')];
  if (value.state === 'error') return [message(`${id}:error`, value.error.message, 'error')];
  return ready(value.value);
}

function message(id: string, label: string, icon: string, command?: vscode.Command): CiNode {
  return { kind: 'ciMessage', id, label, icon, command };
}

export function outcome(status: string, conclusion: string | null): string {
  if (status !== 'completed') return status.replace('_', ' ');
  return conclusion ?? 'completed';
}

function icon(status: string, conclusion: string | null): vscode.ThemeIcon {
  if (status === 'queued' || status === 'waiting' || status === 'pending' || status === 'requested') return new vscode.ThemeIcon('clock');
  if (status !== 'completed') return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.yellow'));
  switch (conclusion) {
    case 'success':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
    case 'skipped':
      return new vscode.ThemeIcon('debug-step-over');
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export type { RepoCi };
