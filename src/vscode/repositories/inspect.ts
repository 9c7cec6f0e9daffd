import type { RepoNode } from './repositoryNodes';
import type { RepositoriesTree } from './repositoriesTree';
import type { RepositoryStore } from './repositoryStore';

/** A plain-data picture of the Repositories tree, as a user sees it (labels, descriptions, icons). For tests. */
export interface InspectedItem {
  label: string;
  description?: string;
  icon?: string;
  contextValue?: string;
  children?: InspectedItem[];
}

/**
 * Walks the tree the way the view does, expanding everything except commits beyond the first page.
 * `sdlc.repositories._inspect` returns it, so extension tests assert on what the user would see.
 */
export async function inspectRepositories(store: RepositoryStore, tree: RepositoriesTree): Promise<{ state: string; items: InspectedItem[] }> {
  if (store.state === 'loading') await store.rescan();
  const walk = (node: RepoNode, depth: number): InspectedItem => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? item.resourceUri?.path.split('/').pop() ?? '');
    const icon = item.iconPath && typeof item.iconPath === 'object' && 'id' in item.iconPath ? (item.iconPath as { id: string }).id : undefined;
    const out: InspectedItem = { label, description: typeof item.description === 'string' ? item.description : undefined, icon, contextValue: item.contextValue };
    if (depth < 4 && item.collapsibleState) out.children = tree.nodes(node).map((c) => walk(c, depth + 1));
    return out;
  };
  return { state: store.state, items: tree.nodes().map((n) => walk(n, 0)) };
}
