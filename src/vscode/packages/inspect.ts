import type { PackagesNode, PackagesTree } from './packagesTree';
import type { PackagesStore } from './packagesStore';

/** A plain-data picture of the Packages tree, as a user sees it. For tests. */
export interface InspectedPackageItem {
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  children?: InspectedPackageItem[];
}

/** `sdlc.packages._inspect`: the whole tree. */
export async function inspectPackages(store: PackagesStore, tree: PackagesTree): Promise<{ state: string; items: InspectedPackageItem[] }> {
  await store.settled();
  const walk = (node: PackagesNode, depth: number): InspectedPackageItem => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? (item.iconPath as { id: string }).id : undefined;
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    const out: InspectedPackageItem = { label, description: typeof item.description === 'string' ? item.description : undefined, tooltip, icon, contextValue: item.contextValue };
    if (item.command) out.command = { command: item.command.command, arguments: item.command.arguments?.filter((a) => !(typeof a === 'object' && a && 'kind' in a)) };
    if (depth < 5 && item.collapsibleState) out.children = tree.getChildren(node).map((c) => walk(c, depth + 1));
    return out;
  };
  return { state: store.state, items: tree.getChildren().map((n) => walk(n, 0)) };
}
