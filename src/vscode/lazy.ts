/**
 * Stand-ins registered at activation for parts of the lazily loaded features: each loads the
 * features (synchronously, once) on first use and delegates to the real thing.
 */
import * as vscode from 'vscode';
import type { CommandSpec } from './commandTable';

/** A tree data provider whose items come from `load()`'s provider, loaded when the view first asks. */
export class LazyTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private target?: vscode.TreeDataProvider<T>;
  private subscription?: vscode.Disposable;

  constructor(private readonly load: () => vscode.TreeDataProvider<T>) {}

  private get provider(): vscode.TreeDataProvider<T> {
    if (!this.target) {
      this.target = this.load();
      this.subscription = this.target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    }
    return this.target;
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.provider.getChildren(element);
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider.getTreeItem(element);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

/** A document content provider that delegates to `load()`'s provider, loaded on the first document. */
export class LazyContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private target?: vscode.TextDocumentContentProvider;
  private subscription?: vscode.Disposable;

  constructor(private readonly load: () => vscode.TextDocumentContentProvider) {}

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): vscode.ProviderResult<string> {
    if (!this.target) {
      this.target = this.load();
      this.subscription = this.target.onDidChange?.((e) => this.changed.fire(e));
    }
    return this.target.provideTextDocumentContent(uri, token);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

/**
 * Command table rows for `ids` whose real rows come from `load()` (run, and the trust flag, which
 * the command table reads when the command is invoked).
 */
export function lazyCommands(ids: readonly string[], load: () => ReadonlyMap<string, CommandSpec>): CommandSpec[] {
  const spec = (id: string): CommandSpec => {
    const found = load().get(id);
    if (!found) throw new Error(`command ${id} is not provided by the features chunk`);
    return found;
  };
  return ids.map((id) => ({
    id,
    get needsTrust() {
      return spec(id).needsTrust;
    },
    run: (...args: unknown[]) => spec(id).run(...args),
  }));
}
