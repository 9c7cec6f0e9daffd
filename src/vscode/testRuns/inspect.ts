import type * as vscode from 'vscode';
import type { TestRunsNode } from './testRunsNodes';
import type { TestRunsStore } from './testRunsStore';
import type { TestRunsTree } from './testRunsTree';

/** A plain-data picture of the Test Runs tree, as a user sees it. For tests. */
export interface InspectedTestRunsItem {
  label: string;
  description?: string;
  icon?: string;
  contextValue?: string;
  /** The tooltip's text (Markdown source for a MarkdownString). */
  tooltip?: string;
  /** The click target, when there is one (e.g. opening a failure). */
  command?: { command: string; arguments?: unknown[] };
  children?: InspectedTestRunsItem[];
}

/** A Testing view item (of the "SDLC Tests" controller), as plain data. */
export interface InspectedTestItem {
  id: string;
  label: string;
  description?: string;
  tags: string[];
  children: InspectedTestItem[];
}

/**
 * Walks the tree the way the view does, expanding everything, and — given the controller — the
 * Testing view's repository and suite items. `sdlc.testRuns._inspect` returns it.
 */
export async function inspectTestRuns(
  store: TestRunsStore,
  tree: TestRunsTree,
  controller?: vscode.TestController,
): Promise<{ state: string; items: InspectedTestRunsItem[]; testing?: InspectedTestItem[] }> {
  await store.ensureLoaded();
  const walk = (node: TestRunsNode, depth: number): InspectedTestRunsItem => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? (item.iconPath as { id: string }).id : undefined;
    const out: InspectedTestRunsItem = { label, description: typeof item.description === 'string' ? item.description : undefined, icon, contextValue: item.contextValue };
    if (item.tooltip !== undefined) out.tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip.value;
    if (item.command) out.command = { command: item.command.command, arguments: item.command.arguments };
    if (depth < 5 && item.collapsibleState) out.children = tree.getChildren(node).map((c) => walk(c, depth + 1));
    return out;
  };
  const items = tree.getChildren().map((n) => walk(n, 0));
  if (!controller) return { state: store.state, items };
  const testItem = (i: vscode.TestItem, depth: number): InspectedTestItem => {
    const children: InspectedTestItem[] = [];
    if (depth < 3) i.children.forEach((c) => void children.push(testItem(c, depth + 1)));
    return { id: i.id, label: i.label, description: i.description, tags: i.tags.map((t) => t.id), children };
  };
  const testing: InspectedTestItem[] = [];
  controller.items.forEach((i) => void testing.push(testItem(i, 0)));
  return { state: store.state, items, testing };
}
