import type * as vscode from 'vscode';
import type { FailedTest, FlakyTest, TestRunRecord, TestSuite } from '../../core/testing';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { RepoTests } from './testRunsStore';

/**
 * A part of the Test Runs tree contributed from outside this folder (the CI runs of GitHub Actions):
 * per repository the tree shows a group (`label`, default "CI") whose children are `roots(repo)`;
 * their children, items and change events come from the section.
 */
export interface TestRunsSection<N = unknown> {
  /** The group's label under each repository. Default "CI". */
  readonly label?: string;
  roots(repo: RepositoryModel): N[];
  children(node: N): N[];
  treeItem(node: N): vscode.TreeItem;
  readonly onDidChange: vscode.Event<void>;
}

/** Commands receive these from menus; programmatic callers pass `{ repository, suite, … }` instead. */
export type TestRunsNode =
  | { kind: 'repository'; entry: RepoTests }
  | { kind: 'suites'; entry: RepoTests }
  | { kind: 'suite'; entry: RepoTests; suite: TestSuite }
  | { kind: 'history'; entry: RepoTests }
  | { kind: 'run'; entry: RepoTests; run: TestRunRecord }
  | { kind: 'failedTest'; entry: RepoTests; run: TestRunRecord; test: FailedTest }
  | { kind: 'regressions'; entry: RepoTests; tests: Array<{ suite: string; test: FailedTest }> }
  | { kind: 'regression'; entry: RepoTests; suite: string; test: FailedTest }
  | { kind: 'flaky'; entry: RepoTests; tests: FlakyTest[] }
  | { kind: 'flakyTest'; entry: RepoTests; test: FlakyTest }
  | { kind: 'section'; entry: RepoTests; section: number }
  | { kind: 'sectionNode'; section: number; node: unknown; parentId: string }
  | { kind: 'message'; id: string; label: string; icon: string; tooltip?: string; command?: vscode.Command; contextValue?: string };

export function isTestRunsNode(x: unknown): x is TestRunsNode {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string' && ('entry' in x || 'section' in x || (x as { kind: string }).kind === 'message');
}
