import type * as vscode from 'vscode';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import type { CommandSpec } from '../commandTable';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { packageCommands } from './packageCommands';
import { PackagesStore } from './packagesStore';
import { PackagesTree } from './packagesTree';

/**
 * What goes with the Packages view (store on top of the repository store, tree provider, commands),
 * built for the lazily loaded features chunk; the view is registered at activation (src/extension.ts).
 */
export function createPackages(deps: { repos: RepositoryStore; audit: AuditService; auth: GitHubAuth; log: vscode.LogOutputChannel }): { tree: PackagesTree; disposables: vscode.Disposable[]; commands: CommandSpec[] } {
  const store = new PackagesStore(deps.repos, deps.auth, deps.log);
  const tree = new PackagesTree(store);
  return { tree, disposables: [store, tree], commands: packageCommands({ store, tree, audit: deps.audit, auth: deps.auth, log: deps.log }) };
}
