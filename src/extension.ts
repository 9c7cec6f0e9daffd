// Composition root: builds the services, registers the views and the command table. No logic here.
import * as vscode from 'vscode';
import { scoped } from './core/log';
import { createGit } from './core/git/simpleGitAdapter';
import { AuditService } from './vscode/audit';
import { GitHubAuth } from './vscode/auth';
import { registerCommandTable, showLogCommand } from './vscode/commandTable';
import { accountCommands } from './vscode/accountCommands';
import { CommandIds, ContextKeys, InternalCommandIds, ViewIds } from './vscode/ids';
import { RepositoryStore } from './vscode/repositories/repositoryStore';
import { RepositoriesTree } from './vscode/repositories/repositoriesTree';
import { COMMIT_SCHEME, commitContentProvider, repositoryCommands } from './vscode/repositories/repositoryCommands';
import { inspectRepositories } from './vscode/repositories/inspect';
import { createVersions } from './vscode/versions/versionsFeature';
import { createTestRuns } from './vscode/testRuns';
import { CiStore } from './vscode/testRuns/ciStore';
import { CiSection } from './vscode/testRuns/ciSection';
import { CI_LOG_SCHEME, ciCommands, ciLogContentProvider } from './vscode/testRuns/ciCommands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SDLC', { log: true });
  const auth = new GitHubAuth(context.secrets, log);
  const store = new RepositoryStore({
    log,
    auth,
    createGit: (root) => createGit(root, { logger: scoped(log, 'Git'), enterpriseHosts: auth.enterpriseHosts() }),
  });
  const tree = new RepositoriesTree(store);
  const treeView = vscode.window.createTreeView(ViewIds.repositories, { treeDataProvider: tree, showCollapseAll: true });
  const audit = new AuditService(auth, scoped(log, 'Audit'));
  const ciStore = new CiStore(store, auth, log);
  const ci = new CiSection(ciStore);
  const versions = createVersions({ repos: store, audit, auth, log });
  const testRuns = createTestRuns({ repositories: store, log, storageUri: context.storageUri ?? context.globalStorageUri, sections: [ci] });

  context.subscriptions.push(
    log,
    auth,
    store,
    tree,
    treeView,
    ...versions.disposables,
    ...testRuns.disposables,
    ciStore,
    ci,
    vscode.workspace.registerTextDocumentContentProvider(CI_LOG_SCHEME, ciLogContentProvider(ciStore)),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, commitContentProvider(store)),
    ...registerCommandTable(
      [
        showLogCommand(log),
        ...accountCommands(auth),
        ...repositoryCommands(store, audit),
        { id: InternalCommandIds.inspect, run: () => inspectRepositories(store, tree) },
        ...versions.commands,
        ...testRuns.commands,
        ...ciCommands(ciStore, audit, () => context.storageUri ?? context.globalStorageUri),
      ],
      log,
    ),
    auth.onDidChange(() => void updateSignedIn(auth)),
  );
  void updateSignedIn(auth);
  void store.rescan();
  log.info(`[Extension] activated (${CommandIds.refresh} and friends registered)`);
}

async function updateSignedIn(auth: GitHubAuth): Promise<void> {
  await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, Boolean(await auth.token()));
}

export function deactivate(): void {}
