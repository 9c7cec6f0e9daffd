/** The Test Runs feature's wiring: store, TestController, tree provider and commands (used by src/featuresBundle.ts; the view is created at activation). */
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { CommandSpec } from '../commandTable';
import type { RepositoryStore } from '../repositories/repositoryStore';
import { SuiteTestController } from './testController';
import { testRunsCommands } from './testRunsCommands';
import type { TestRunsSection } from './testRunsNodes';
import { TestRunsStore } from './testRunsStore';
import { TestRunsTree } from './testRunsTree';

export { historyFile } from './historyLocation';
export type { TestRunsSection } from './testRunsNodes';

export interface TestRunsFeature {
  store: TestRunsStore;
  controller: SuiteTestController;
  tree: TestRunsTree;
  commands: CommandSpec[];
  disposables: vscode.Disposable[];
}

/**
 * `storageUri`: where histories are kept (`context.storageUri ?? context.globalStorageUri`).
 * `sections`: parts of the tree contributed from elsewhere (CI); a change in one also re-reads the
 * histories, since CI imports write into the same files.
 */
export function createTestRuns(options: { repositories: RepositoryStore; log: Logger; storageUri: vscode.Uri; sections?: Array<TestRunsSection<unknown>> }): TestRunsFeature {
  const sections = options.sections ?? [];
  const store = new TestRunsStore(options.repositories, {
    log: options.log,
    storageDir: options.storageUri.fsPath,
    historyLimit: () => vscode.workspace.getConfiguration('sdlc').get<number>('testRuns.historyLimit', 50),
  });
  const controller = new SuiteTestController(store);
  const tree = new TestRunsTree(store, sections);
  return {
    store,
    controller,
    tree,
    commands: testRunsCommands(store, controller, tree),
    disposables: [store, controller, tree, ...sections.map((s) => s.onDidChange(() => void store.reloadHistory()))],
  };
}
