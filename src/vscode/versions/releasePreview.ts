import * as vscode from 'vscode';
import type { ReleasePlan } from '../../core/versioning/plan';
import { RELEASE_PREVIEW_SCHEME } from '../ids';

export { RELEASE_PREVIEW_SCHEME };

/**
 * Read-only virtual documents with the content a release would write: `before` and `after` of every
 * planned file, shown side by side in the diff editor before anything is applied.
 */
export class ReleasePreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /**
   * Opens one diff editor per planned file of every plan (a monorepo release: each file is in one
   * plan); returns the documents' URIs (to close them later).
   */
  async open(planOrPlans: ReleasePlan | readonly ReleasePlan[]): Promise<vscode.Uri[]> {
    const plans: readonly ReleasePlan[] = Array.isArray(planOrPlans) ? planOrPlans : [planOrPlans as ReleasePlan];
    const id = `${++this.counter}`;
    const opened: vscode.Uri[] = [];
    // Opened last to first, so the first manifest's diff (the version line) is the one in front.
    const files = plans.flatMap((plan) => plan.files.map((file) => ({ plan, file }))).reverse();
    for (const [i, { plan, file }] of files.entries()) {
      const uri = (side: 'before' | 'after') => vscode.Uri.from({ scheme: RELEASE_PREVIEW_SCHEME, path: `/${id}/${side}/${file.path}`, query: `tag=${plan.tag}` });
      const before = uri('before');
      const after = uri('after');
      this.contents.set(before.toString(), file.before ?? '');
      this.contents.set(after.toString(), file.after);
      const what = file.before === null ? 'new file' : `${plan.current} ↔ ${plan.next}`;
      await vscode.commands.executeCommand('vscode.diff', before, after, `${file.path} (${plan.tag} preview: ${what})`, {
        preview: false,
        preserveFocus: i < files.length - 1,
      });
      opened.push(before, after);
    }
    return opened;
  }

  /** Closes the diff editors of a preview and forgets their content. */
  async close(uris: readonly vscode.Uri[]): Promise<void> {
    const keys = new Set(uris.map((u) => u.toString()));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && keys.has(t.input.modified.toString()));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    for (const k of keys) this.contents.delete(k);
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}
