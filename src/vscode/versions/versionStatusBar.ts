import * as vscode from 'vscode';
import { CommandIds } from '../ids';
import type { PackageModel } from './packageModel';
import type { VersionsStore } from './versionsStore';

/**
 * `$(tag) 1.2.3 → 1.3.0`: the version of the active editor's package and the pending bump; a click
 * bumps that package. Hidden when the active editor belongs to no package.
 */
export class VersionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sdlc.versions.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[];
  /** The package shown, for tests and the click. */
  shown: PackageModel | undefined;

  constructor(private readonly store: VersionsStore) {
    this.item.name = 'SDLC Version';
    this.disposables = [this.item, store.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update())];
    this.update();
  }

  update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const pkg = uri?.scheme === 'file' ? this.store.packageOf(uri.fsPath) : undefined;
    this.shown = pkg;
    const s = pkg?.state;
    if (!pkg || !s || s.status === 'loading' || s.status === 'error') {
      this.item.hide();
      return;
    }
    if (s.status === 'ready') {
      const p = s.plan;
      this.item.text = `$(tag) ${p.current} → ${p.next}`;
      this.item.tooltip = new vscode.MarkdownString(`**${pkg.name}** ${p.current} → ${p.next} (${p.releaseType})\n\n${p.reason}\n\nClick to bump the version…`);
    } else {
      this.item.text = `$(tag) ${s.current}`;
      this.item.tooltip = `${pkg.name} ${s.current}: nothing to release since ${s.lastTag ?? 'the first commit'}`;
    }
    this.item.command = { command: CommandIds.bumpVersion, title: 'Bump Version…', arguments: [{ repository: pkg.repo.root, package: pkg.dir }] };
    this.item.show();
  }

  /** What the item shows (tests). */
  describe(): { visible: boolean; text: string; package?: string } {
    return { visible: this.shown !== undefined && this.item.text !== '' && this.shown.state.status !== 'loading' && this.shown.state.status !== 'error', text: this.item.text, package: this.shown?.name };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
