// Composition root: builds the services, registers the views and the command table. No logic here.
// The Versions and Test Runs/CI features are a separate chunk (src/featuresBundle.ts → dist/features.js):
// their views, commands and document schemes are registered here as stand-ins that load it on first
// use, and it is loaded in the background right after activation (status bar item, TestController).
import * as vscode from 'vscode';
import { scoped } from './core/log';
import { createGit } from './core/git/simpleGitAdapter';
import type * as FeaturesBundle from './featuresBundle';
import { shareModules } from './sharedModules';
import { AuditService } from './vscode/audit';
import { GitHubAuth } from './vscode/auth';
import { registerCommandTable, showLogCommand, type CommandSpec } from './vscode/commandTable';
import { accountCommands } from './vscode/accountCommands';
import { CI_LOG_SCHEME, CommandIds, ContextKeys, InternalCommandIds, LAZY_COMMAND_PREFIXES, RELEASE_PREVIEW_SCHEME, ViewIds } from './vscode/ids';
import { LazyContentProvider, LazyTreeDataProvider, lazyCommands } from './vscode/lazy';
import { RepositoryStore } from './vscode/repositories/repositoryStore';
import { RepositoriesTree } from './vscode/repositories/repositoriesTree';
import { COMMIT_SCHEME, commitContentProvider, repositoryCommands } from './vscode/repositories/repositoryCommands';
import { inspectRepositories } from './vscode/repositories/inspect';

/** The command ids the features chunk provides (registered now, loaded on first use). */
const FEATURE_COMMAND_IDS = [...Object.values(CommandIds), ...Object.values(InternalCommandIds)].filter((id) => LAZY_COMMAND_PREFIXES.some((p) => id.startsWith(p)));

function loadFeaturesBundle(): typeof FeaturesBundle {
  shareModules();
  // A lazy require: esbuild maps './featuresBundle' to the separate chunk dist/features.js, and under
  // tsx CommonJS resolution finds the TypeScript file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./featuresBundle') as typeof FeaturesBundle;
}

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

  let features: (FeaturesBundle.Features & { byId: Map<string, CommandSpec> }) | undefined;
  let disposed = false;
  const loadFeatures = () => {
    if (!features) {
      if (disposed) throw new Error('SDLC Workbench has been deactivated.');
      const started = Date.now();
      const created = loadFeaturesBundle().createFeatures({ repos: store, auth, audit, log, storageUri: () => context.storageUri ?? context.globalStorageUri });
      const byId = new Map(created.commands.map((c) => [c.id, c]));
      const missing = [...byId.keys()].filter((id) => !FEATURE_COMMAND_IDS.includes(id as never));
      if (missing.length) log.error(`[Extension] feature commands not registered at activation: ${missing.join(', ')}`);
      features = { ...created, byId };
      log.info(`[Extension] Versions and Test Runs loaded (${Date.now() - started} ms)`);
    }
    return features;
  };
  const versionsTree = new LazyTreeDataProvider(() => loadFeatures().versionsTree);
  const testRunsTree = new LazyTreeDataProvider(() => loadFeatures().testRunsTree);
  const releasePreview = new LazyContentProvider(() => loadFeatures().releasePreview);
  const ciLog = new LazyContentProvider(() => loadFeatures().ciLog);
  const background = setTimeout(() => {
    try {
      loadFeatures();
    } catch (e) {
      log.error(`[Extension] loading Versions and Test Runs failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }, 0);

  context.subscriptions.push(
    log,
    auth,
    store,
    tree,
    treeView,
    versionsTree,
    testRunsTree,
    vscode.window.createTreeView(ViewIds.versions, { treeDataProvider: versionsTree, showCollapseAll: true }),
    vscode.window.createTreeView(ViewIds.testRuns, { treeDataProvider: testRunsTree, showCollapseAll: true }),
    releasePreview,
    ciLog,
    {
      dispose: () => {
        disposed = true;
        clearTimeout(background);
        for (const d of features?.disposables ?? []) d.dispose();
      },
    },
    vscode.workspace.registerTextDocumentContentProvider(RELEASE_PREVIEW_SCHEME, releasePreview),
    vscode.workspace.registerTextDocumentContentProvider(CI_LOG_SCHEME, ciLog),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, commitContentProvider(store)),
    ...registerCommandTable(
      [
        showLogCommand(log),
        ...accountCommands(auth),
        ...repositoryCommands(store, audit),
        { id: InternalCommandIds.inspect, run: () => inspectRepositories(store, tree) },
        ...lazyCommands(FEATURE_COMMAND_IDS, () => loadFeatures().byId),
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
