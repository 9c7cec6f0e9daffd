// Composition root: builds the services, registers the views and the command table. No logic here.
// The Versions and Test Runs/CI features are a separate chunk (src/featuresBundle.ts → dist/features.js,
// loaded by FeatureLoader): their views, commands and document schemes are registered here as stand-ins.
import * as vscode from 'vscode';
import { scoped } from './core/log';
import { createGit } from './core/git/simpleGitAdapter';
import { startSpawnThread, stopSpawnThread } from './core/git/spawnThread';
import { AuditService } from './vscode/audit';
import { GitHubAuth } from './vscode/auth';
import { registerCommandTable, showLogCommand } from './vscode/commandTable';
import { accountCommands } from './vscode/accountCommands';
import { CI_LOG_SCHEME, CommandIds, ContextKeys, InternalCommandIds, RELEASE_PREVIEW_SCHEME, ViewIds } from './vscode/ids';
import { afterFirstScreen } from './vscode/firstScreen';
import { FeatureLoader, LazyContentProvider, LazyTreeDataProvider } from './vscode/lazy';
import { RepositoryStore } from './vscode/repositories/repositoryStore';
import { RepositoriesTree } from './vscode/repositories/repositoriesTree';
import { COMMIT_SCHEME, commitContentProvider, repositoryCommands } from './vscode/repositories/repositoryCommands';
import { inspectRepositories } from './vscode/repositories/inspect';
import { redactingLogChannel } from './vscode/redactingChannel';

/** What activate() returns (the extension's exports): its own timing, read by the editor bench (test/bench/editor). */
export interface ExtensionExports {
  activation: { startedAt: number; durationMs: number };
}

export function activate(context: vscode.ExtensionContext): ExtensionExports {
  const startedAt = performance.now();
  const log = redactingLogChannel(vscode.window.createOutputChannel('SDLC', { log: true }));
  const auth = new GitHubAuth(context.secrets, log);
  const store = new RepositoryStore({
    log,
    auth,
    createGit: (root, discovered) => createGit(root, { logger: scoped(log, 'Git'), enterpriseHosts: auth.enterpriseHosts(), discovered }),
  });
  const tree = new RepositoriesTree(store);
  const treeView = vscode.window.createTreeView(ViewIds.repositories, { treeDataProvider: tree, showCollapseAll: true });
  const summary = tree.showSummary(treeView);
  const audit = new AuditService(auth, scoped(log, 'Audit'));
  // The other views' first loads wait for the Repositories view's first screen (see firstScreen.ts).
  const firstScreen = afterFirstScreen(tree.firstDrawn, treeView);
  store.holdUntilFirstScreen(firstScreen);
  // Later git processes start from a worker thread: from this large process each start would hold the
  // extension host's thread 15–25 ms (see spawnThread). Not before the first screen: the thread's own
  // start (~45 ms of the other core) slowed it down.
  let deactivated = false;
  context.subscriptions.push({
    dispose: () => {
      deactivated = true;
      stopSpawnThread();
    },
  });
  void firstScreen.then(() => {
    if (!deactivated) startSpawnThread();
  });

  const deployments: { view?: vscode.TreeView<unknown> } = {};
  const features = new FeatureLoader({
    repos: store,
    auth,
    audit,
    log,
    storageUri: () => context.storageUri ?? context.globalStorageUri,
    deploymentsView: {
      setBadge: (count) => {
        if (deployments.view) deployments.view.badge = count ? { value: count, tooltip: `${count} deployment${count === 1 ? '' : 's'} waiting for a review` } : undefined;
      },
      onDidChangeVisibility: (listener) => {
        if (deployments.view?.visible) listener(true);
        return deployments.view ? deployments.view.onDidChangeVisibility((e) => listener(e.visible)) : new vscode.Disposable(() => undefined);
      },
    },
  }, firstScreen);
  const versionsTree = new LazyTreeDataProvider(() => features.load().versionsTree, firstScreen);
  const testRunsTree = new LazyTreeDataProvider(() => features.load().testRunsTree, firstScreen);
  const deploymentsTree = new LazyTreeDataProvider(() => features.load().deploymentsTree, firstScreen);
  deployments.view = vscode.window.createTreeView(ViewIds.deployments, { treeDataProvider: deploymentsTree, showCollapseAll: true });
  const packagesTree = new LazyTreeDataProvider(() => features.load().packagesTree, firstScreen);
  const releasePreview = new LazyContentProvider(() => features.load().releasePreview);
  const ciLog = new LazyContentProvider(() => features.load().ciLog);

  context.subscriptions.push(
    log,
    auth,
    store,
    tree,
    treeView,
    summary,
    versionsTree,
    testRunsTree,
    vscode.window.createTreeView(ViewIds.versions, { treeDataProvider: versionsTree, showCollapseAll: true }),
    vscode.window.createTreeView(ViewIds.testRuns, { treeDataProvider: testRunsTree, showCollapseAll: true }),
    deploymentsTree,
    deployments.view,
    packagesTree,
    vscode.window.createTreeView(ViewIds.packages, { treeDataProvider: packagesTree, showCollapseAll: true }),
    releasePreview,
    ciLog,
    features,
    vscode.workspace.registerTextDocumentContentProvider(RELEASE_PREVIEW_SCHEME, releasePreview),
    vscode.workspace.registerTextDocumentContentProvider(CI_LOG_SCHEME, ciLog),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, commitContentProvider(store)),
    ...registerCommandTable(
      [
        showLogCommand(log),
        ...accountCommands(auth),
        ...repositoryCommands(store, audit),
        { id: InternalCommandIds.inspect, run: () => inspectRepositories(store, tree) },
        ...features.commands(),
      ],
      log,
    ),
    auth.onDidChange(() => void updateSignedIn(auth)),
  );
  void store.rescan();
  void firstScreen.then(() => updateSignedIn(auth));
  const durationMs = performance.now() - startedAt;
  log.info(`[Extension] activated in ${durationMs.toFixed(1)} ms (${CommandIds.refresh} and friends registered)`);
  return { activation: { startedAt, durationMs } };
}

async function updateSignedIn(auth: GitHubAuth): Promise<void> {
  await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, Boolean(await auth.token()));
}

export function deactivate(): void {}
