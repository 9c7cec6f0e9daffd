import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import type { CommandSpec } from '../commandTable';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { ReleasePreviewProvider } from './releasePreview';
import { versionCommands } from './versionCommands';
import { VersionStatusBar } from './versionStatusBar';
import { VersionsStore } from './versionsStore';
import { VersionsTree } from './versionsTree';

/**
 * What goes with the Versions view (store on top of the repository store, tree provider, preview
 * documents, status bar item, commands), built for the lazily loaded features chunk. The view itself
 * and the preview scheme are registered at activation (src/extension.ts) and delegate to these.
 */
export function createVersions(deps: { repos: RepositoryStore; audit: AuditService; auth: GitHubAuth; log: Logger }): { tree: VersionsTree; preview: ReleasePreviewProvider; disposables: vscode.Disposable[]; commands: CommandSpec[] } {
  const versions = new VersionsStore(deps.repos, deps.log);
  const tree = new VersionsTree(versions);
  const preview = new ReleasePreviewProvider();
  const statusBar = new VersionStatusBar(versions);
  return {
    tree,
    preview,
    disposables: [versions, tree, preview, statusBar],
    commands: versionCommands({ repos: deps.repos, versions, tree, audit: deps.audit, auth: deps.auth, preview, statusBar }),
  };
}
