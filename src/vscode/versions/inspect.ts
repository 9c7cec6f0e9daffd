import * as vscode from 'vscode';
import type { VersionStatusBar } from './versionStatusBar';
import type { VersionNode, VersionsTree } from './versionsTree';
import type { VersionsStore } from './versionsStore';

/** A plain-data picture of the Versions tree, as a user sees it. For tests. */
export interface InspectedVersionItem {
  label: string;
  description?: string;
  /** Plain text of the tooltip (Markdown source for rich tooltips). */
  tooltip?: string;
  icon?: string;
  contextValue?: string;
  /** The command a click runs, with its arguments. */
  command?: { command: string; arguments?: unknown[] };
  /** Shown collapsed at first (its children are still listed here). */
  collapsed?: boolean;
  children?: InspectedVersionItem[];
}

/** `sdlc.versions._inspect`: the whole tree (it is small: [monorepo →] packages → groups → commits). */
export async function inspectVersions(
  store: VersionsStore,
  tree: VersionsTree,
  statusBar?: VersionStatusBar,
): Promise<{ state: string; items: InspectedVersionItem[]; statusBar?: ReturnType<VersionStatusBar['describe']> }> {
  await store.settled();
  const walk = (node: VersionNode, depth: number): InspectedVersionItem => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? (item.iconPath as { id: string }).id : undefined;
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    const out: InspectedVersionItem = { label, description: typeof item.description === 'string' ? item.description : undefined, tooltip, icon, contextValue: item.contextValue };
    if (item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed) out.collapsed = true;
    if (item.command) out.command = { command: item.command.command, arguments: item.command.arguments?.filter((a) => !(typeof a === 'object' && a && 'kind' in a)) };
    if (depth < 4 && item.collapsibleState) out.children = tree.getChildren(node).map((c) => walk(c, depth + 1));
    return out;
  };
  statusBar?.update();
  return { state: store.state, items: tree.getChildren().map((n) => walk(n, 0)), statusBar: statusBar?.describe() };
}
