import type { TestRunsNode } from './testRunsNodes';
import type { TestRunsStore } from './testRunsStore';
import type { TestRunsTree } from './testRunsTree';

/** A plain-data picture of the Test Runs tree, as a user sees it. For tests. */
export interface InspectedTestRunsItem {
  label: string;
  description?: string;
  icon?: string;
  contextValue?: string;
  /** The click target, when there is one (e.g. opening a failure). */
  command?: { command: string; arguments?: unknown[] };
  children?: InspectedTestRunsItem[];
}

/** Walks the tree the way the view does, expanding everything. `sdlc.testRuns._inspect` returns it. */
export async function inspectTestRuns(store: TestRunsStore, tree: TestRunsTree): Promise<{ state: string; items: InspectedTestRunsItem[] }> {
  await store.ensureLoaded();
  const walk = (node: TestRunsNode, depth: number): InspectedTestRunsItem => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? (item.iconPath as { id: string }).id : undefined;
    const out: InspectedTestRunsItem = { label, description: typeof item.description === 'string' ? item.description : undefined, icon, contextValue: item.contextValue };
    if (item.command) out.command = { command: item.command.command, arguments: item.command.arguments };
    if (depth < 5 && item.collapsibleState) out.children = tree.getChildren(node).map((c) => walk(c, depth + 1));
    return out;
  };
  return { state: store.state, items: tree.getChildren().map((n) => walk(n, 0)) };
}
