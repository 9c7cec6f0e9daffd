/**
 * Stand-ins registered at activation for parts of the lazily loaded features: each loads the
 * features (synchronously, once) on first use and delegates to the real thing.
 */
import * as vscode from 'vscode';
import type * as FeaturesBundle from '../featuresBundle';
import { shareModules } from '../sharedModules';
import type { CommandSpec } from './commandTable';
import { CommandIds, InternalCommandIds, LAZY_COMMAND_PREFIXES } from './ids';

/** The command ids the features chunk provides (registered at activation, loaded on first use). */
export const FEATURE_COMMAND_IDS = [...Object.values(CommandIds), ...Object.values(InternalCommandIds)].filter((id) => LAZY_COMMAND_PREFIXES.some((p) => id.startsWith(p)));

type LoadedFeatures = FeaturesBundle.Features & { byId: Map<string, CommandSpec> };

/**
 * The Versions and Test Runs/CI features (the chunk dist/features.js): loaded once, on first use or in
 * the background once the Repositories view's first screen is drawn (status bar item, TestController),
 * and disposed with it.
 */
export class FeatureLoader implements vscode.Disposable {
  private features?: LoadedFeatures;
  private disposed = false;

  /** `after`: the background load waits for it (the Repositories view's first screen, see firstScreen.ts, which settles in a timer of its own). */
  constructor(
    private readonly deps: FeaturesBundle.FeatureDeps,
    after: Promise<void>,
  ) {
    void after.then(() => {
      if (this.disposed) return;
      try {
        this.load();
      } catch (e) {
        deps.log.error(`[Extension] loading Versions and Test Runs failed: ${e instanceof Error ? e.stack : String(e)}`);
      }
    });
  }

  load(): LoadedFeatures {
    if (!this.features) {
      if (this.disposed) throw new Error('SDLC Workbench has been deactivated.');
      const started = Date.now();
      shareModules();
      // A lazy require: esbuild maps it to the separate chunk dist/features.js; under tsx CommonJS
      // resolution finds the TypeScript file.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require('../featuresBundle') as typeof FeaturesBundle;
      const created = bundle.createFeatures(this.deps);
      const byId = new Map(created.commands.map((c) => [c.id, c]));
      const missing = [...byId.keys()].filter((id) => !FEATURE_COMMAND_IDS.includes(id as never));
      if (missing.length) this.deps.log.error(`[Extension] feature commands not registered at activation: ${missing.join(', ')}`);
      this.features = { ...created, byId };
      this.deps.log.info(`[Extension] Versions and Test Runs loaded (${Date.now() - started} ms)`);
    }
    return this.features;
  }

  /** Command table rows for every feature command, loading the features when one runs. */
  commands(): CommandSpec[] {
    return lazyCommands(FEATURE_COMMAND_IDS, () => this.load().byId);
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.features?.disposables ?? []) d.dispose();
  }
}

/**
 * A tree data provider whose items come from `load()`'s provider, loaded when the view first asks,
 * but not before `after` settles (VS Code shows the view's progress bar meanwhile).
 */
export class LazyTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private target?: vscode.TreeDataProvider<T>;
  private subscription?: vscode.Disposable;

  constructor(
    private readonly load: () => vscode.TreeDataProvider<T>,
    private readonly after: Promise<void> = Promise.resolve(),
  ) {}

  private get provider(): vscode.TreeDataProvider<T> {
    if (!this.target) {
      this.target = this.load();
      this.subscription = this.target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    }
    return this.target;
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    if (this.target) return this.target.getChildren(element);
    return this.after.then(() => this.provider.getChildren(element));
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
