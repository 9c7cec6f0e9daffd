import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import type { CommandSpec } from '../commandTable';
import { CommandIds } from '../ids';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { deploymentCommands } from './deploymentCommands';
import { DeploymentsStore } from './deploymentsStore';
import { DeploymentsTree } from './deploymentsTree';

export interface DeploymentsViewHooks {
  /** Pending approvals as the view's badge. */
  setBadge?(count: number): void;
  /** Visibility of the view (health is probed in the background only while it is visible). */
  onDidChangeVisibility?(listener: (visible: boolean) => void): vscode.Disposable;
}

/**
 * What goes with the Deployments view (store, tree provider, commands, a status bar item while
 * continuous delivery is on, a notification when an environment changes health), for the lazily
 * loaded features chunk. The view itself is registered at activation (src/extension.ts).
 */
export function createDeployments(deps: { repos: RepositoryStore; audit: AuditService; auth: GitHubAuth; log: Logger } & DeploymentsViewHooks): { tree: DeploymentsTree; store: DeploymentsStore; disposables: vscode.Disposable[]; commands: CommandSpec[] } {
  const store = new DeploymentsStore(deps.repos, deps.auth, deps.audit, deps.log);
  const tree = new DeploymentsTree(store);
  const statusBar = vscode.window.createStatusBarItem('sdlc.deployments.continuous', vscode.StatusBarAlignment.Left, 40);
  statusBar.name = 'SDLC Continuous Delivery';
  statusBar.command = CommandIds.deploymentsToggleContinuous;
  const updateStatusBar = () => {
    const n = store.continuousCount;
    if (n === 0) return statusBar.hide();
    statusBar.text = `$(rocket) CD on (${n})`;
    statusBar.tooltip = 'Continuous delivery is on: green builds of the watched branch are deployed. Click to turn it off.';
    statusBar.show();
  };
  const disposables: vscode.Disposable[] = [
    store,
    tree,
    statusBar,
    store.onDidChange(() => {
      deps.setBadge?.(store.pendingCount);
      updateStatusBar();
    }),
    store.onHealthChange((e) => {
      const show = e.to === 'unhealthy' ? vscode.window.showErrorMessage : e.to === 'degraded' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`${e.environment} is ${e.to} (was ${e.from}).`);
    }),
  ];
  if (deps.onDidChangeVisibility) disposables.push(deps.onDidChangeVisibility((visible) => store.setVisible(visible)));
  if (deps.repos.state !== 'loading') void store.refresh();
  return { tree, store, disposables, commands: deploymentCommands({ repos: deps.repos, store, tree, onContinuousChange: updateStatusBar }) };
}
