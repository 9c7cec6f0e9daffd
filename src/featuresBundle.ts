/**
 * The Versions and Test Runs/CI features: the entry of the separate chunk dist/features.js, required
 * by src/extension.ts on first use (a view asks for its items, a command runs, a document of theirs is
 * opened) or in the background once the Repositories view's first screen is drawn (firstScreen.ts),
 * so activation parses only the main bundle.
 * Every module the main bundle also holds (errors, git, the stores, the command table…) is taken
 * from the main bundle at run time, never bundled a second time (esbuild.mjs, `shareMain`).
 */
import type * as vscode from 'vscode';
import type { AuditService } from './vscode/audit';
import type { GitHubAuth } from './vscode/auth';
import type { CommandSpec } from './vscode/commandTable';
import type { RepositoryStore } from './vscode/repositories/repositoryStore';
import { createTestRuns } from './vscode/testRuns';
import { ciCommands, ciLogContentProvider } from './vscode/testRuns/ciCommands';
import { CiSection } from './vscode/testRuns/ciSection';
import { CiStore } from './vscode/testRuns/ciStore';
import { createVersions } from './vscode/versions/versionsFeature';
import { createDeployments, type DeploymentsViewHooks } from './vscode/deployments/deploymentsFeature';
import { createPackages } from './vscode/packages/packagesFeature';

export interface FeatureDeps {
  repos: RepositoryStore;
  auth: GitHubAuth;
  audit: AuditService;
  log: vscode.LogOutputChannel;
  storageUri: () => vscode.Uri;
  /** The Deployments view's badge and visibility (the view is created at activation). */
  deploymentsView?: DeploymentsViewHooks;
}

export interface Features {
  versionsTree: vscode.TreeDataProvider<unknown>;
  testRunsTree: vscode.TreeDataProvider<unknown>;
  packagesTree: vscode.TreeDataProvider<unknown>;
  deploymentsTree: vscode.TreeDataProvider<unknown>;
  releasePreview: vscode.TextDocumentContentProvider;
  ciLog: vscode.TextDocumentContentProvider;
  commands: CommandSpec[];
  disposables: vscode.Disposable[];
}

export function createFeatures(deps: FeatureDeps): Features {
  const ciStore = new CiStore(deps.repos, deps.auth, deps.log);
  const ci = new CiSection(ciStore);
  const versions = createVersions({ repos: deps.repos, audit: deps.audit, auth: deps.auth, log: deps.log });
  const packages = createPackages({ repos: deps.repos, audit: deps.audit, auth: deps.auth, log: deps.log });
  const testRuns = createTestRuns({ repositories: deps.repos, log: deps.log, storageUri: deps.storageUri(), sections: [ci] });
  const deployments = createDeployments({ repos: deps.repos, audit: deps.audit, auth: deps.auth, log: deps.log, ...deps.deploymentsView });
  // Built after activation: the first scan's "repositories changed" may have passed already.
  if (deps.repos.state !== 'loading') void testRuns.store.refresh();
  return {
    versionsTree: versions.tree as vscode.TreeDataProvider<unknown>,
    testRunsTree: testRuns.tree as vscode.TreeDataProvider<unknown>,
    packagesTree: packages.tree as vscode.TreeDataProvider<unknown>,
    deploymentsTree: deployments.tree as vscode.TreeDataProvider<unknown>,
    releasePreview: versions.preview,
    ciLog: ciLogContentProvider(ciStore),
    commands: [...versions.commands, ...packages.commands, ...testRuns.commands, ...ciCommands(ciStore, deps.audit, deps.storageUri), ...deployments.commands],
    disposables: [...versions.disposables, ...packages.disposables, ...testRuns.disposables, ciStore, ci, ...deployments.disposables],
  };
}
