import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import type { CommandSpec } from '../commandTable';
import { ViewIds } from '../ids';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { RELEASE_PREVIEW_SCHEME, ReleasePreviewProvider } from './releasePreview';
import { versionCommands } from './versionCommands';
import { VersionStatusBar } from './versionStatusBar';
import { VersionsStore } from './versionsStore';
import { VersionsTree } from './versionsTree';

/**
 * The Versions view and what goes with it (store on top of the repository store, tree, preview
 * documents, status bar item, commands), built for the composition root.
 */
export function createVersions(deps: { repos: RepositoryStore; audit: AuditService; auth: GitHubAuth; log: Logger }): { disposables: vscode.Disposable[]; commands: CommandSpec[] } {
  const versions = new VersionsStore(deps.repos, deps.log);
  const tree = new VersionsTree(versions);
  const view = vscode.window.createTreeView(ViewIds.versions, { treeDataProvider: tree, showCollapseAll: true });
  const preview = new ReleasePreviewProvider();
  const statusBar = new VersionStatusBar(versions);
  return {
    disposables: [versions, tree, view, preview, statusBar, vscode.workspace.registerTextDocumentContentProvider(RELEASE_PREVIEW_SCHEME, preview)],
    commands: versionCommands({ repos: deps.repos, versions, tree, audit: deps.audit, auth: deps.auth, preview, statusBar }),
  };
}
