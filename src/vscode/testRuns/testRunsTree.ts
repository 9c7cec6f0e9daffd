import * as path from 'node:path';
import * as vscode from 'vscode';
import { flaky, regressions, type FailedTest, type TestRunRecord, type TestSuite } from '../../core/testing';
import { runnableSuites, topLevelSuites } from '../../core/testing/suite';
import { CommandIds } from '../ids';
import type { TestRunsNode, TestRunsSection } from './testRunsNodes';
import type { RepoTests, TestRunsStore } from './testRunsStore';

const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
const NO_SUITES = 'No test suites: add `tests` to .sdlc.json or a `test` script';

/** Maps the TestRunsStore (and the plugged-in sections, e.g. CI) to tree items. Holds no state of its own. */
export class TestRunsTree implements vscode.TreeDataProvider<TestRunsNode> {
  private readonly changed = new vscode.EventEmitter<TestRunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly store: TestRunsStore,
    readonly sections: ReadonlyArray<TestRunsSection<unknown>> = [],
  ) {
    this.subscriptions = [store.onDidChange(() => this.changed.fire(undefined)), ...sections.map((s) => s.onDidChange(() => this.changed.fire(undefined)))];
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.changed.dispose();
  }

  getChildren(node?: TestRunsNode): TestRunsNode[] {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'repository': {
        const { entry } = node;
        const nodes: TestRunsNode[] = [];
        if (entry.historyError) nodes.push(message(`${entry.repo.root}:historyError`, `History: ${entry.historyError.message}`, 'warning'));
        const reg = regressionsOf(entry);
        nodes.push({ kind: 'suites', entry }, { kind: 'history', entry }, { kind: 'regressions', entry, tests: reg }, { kind: 'flaky', entry, tests: flaky(entry.history) });
        this.sections.forEach((_, section) => nodes.push({ kind: 'section', entry, section }));
        return nodes;
      }
      case 'suites': {
        const { entry } = node;
        if (entry.suitesError) return [message(`${entry.repo.root}:suitesError`, entry.suitesError.message, 'error', openConfig(entry))];
        if (entry.suites.length === 0) return [message(`${entry.repo.root}:noSuites`, NO_SUITES, 'info', { command: CommandIds.testRunsConfigure, title: 'Configure Test Suites', arguments: [{ repository: entry.repo.root }] })];
        return topLevelSuites(entry.suites).map((suite) => ({ kind: 'suite', entry, suite }));
      }
      case 'suite': {
        // A group (a script that runs other suites) holds its parts.
        const { entry, suite } = node;
        if (!suite.group?.partsOnly) return [];
        return suite.group.parts
          .map((name) => entry.suites.find((s) => s.name === name))
          .filter((s): s is TestSuite => s !== undefined && s.name !== suite.name)
          .map((part) => ({ kind: 'suite', entry, suite: part }));
      }
      case 'history': {
        const runs = [...node.entry.history].reverse();
        return runs.length ? runs.map((run) => ({ kind: 'run', entry: node.entry, run })) : [message(`${node.entry.repo.root}:noRuns`, 'No runs yet', 'info')];
      }
      case 'run':
        return node.run.failed.map((test) => ({ kind: 'failedTest', entry: node.entry, run: node.run, test }));
      case 'regressions':
        return node.tests.length ? node.tests.map((t) => ({ kind: 'regression', entry: node.entry, suite: t.suite, test: t.test })) : [message(`${node.entry.repo.root}:noRegressions`, 'No regressions', 'check')];
      case 'flaky':
        return node.tests.length ? node.tests.map((test) => ({ kind: 'flakyTest', entry: node.entry, test })) : [message(`${node.entry.repo.root}:noFlaky`, 'No flaky tests', 'check')];
      case 'section': {
        const section = this.sections[node.section];
        const parentId = `${node.entry.repo.root}:section${node.section}`;
        return section.roots(node.entry.repo).map((n) => ({ kind: 'sectionNode', section: node.section, node: n, parentId }));
      }
      case 'sectionNode': {
        const section = this.sections[node.section];
        return section.children(node.node).map((n) => ({ kind: 'sectionNode', section: node.section, node: n, parentId: node.parentId }));
      }
      default:
        return [];
    }
  }

  private roots(): TestRunsNode[] {
    const state = this.store.state;
    void vscode.commands.executeCommand('setContext', 'sdlc.testRuns.state', state);
    if (state === 'loading') return [message('loading', 'Looking for test suites…', 'loading~spin')];
    if (state === 'ready' || (state === 'noSuites' && this.sections.length > 0)) return this.store.list().map((entry) => ({ kind: 'repository', entry }));
    return []; // noFolder / noRepositories / noSuites: viewsWelcome content with buttons
  }

  getTreeItem(node: TestRunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repository': {
        const { entry } = node;
        const item = new vscode.TreeItem(entry.repo.name, Expanded);
        item.id = `testRuns:${entry.repo.root}`;
        const last = entry.history[entry.history.length - 1];
        item.description = `${count(entry.suites.length, 'suite')}${entry.running.size ? ' · running…' : ''}${last ? ` · last run ${relativeTime(last.time)}` : ''}`;
        item.tooltip = entry.repo.root;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = entry.suites.length ? 'repository hasSuites' : 'repository';
        return item;
      }
      case 'suites': {
        const item = new vscode.TreeItem('Suites', Expanded);
        item.id = `testRuns:${node.entry.repo.root}:suites`;
        item.description = String(node.entry.suites.length);
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = node.entry.suites.length ? 'suites hasSuites' : 'suites';
        return item;
      }
      case 'suite': {
        const { entry, suite } = node;
        const group = suite.group?.partsOnly ? suite.group : undefined;
        const item = new vscode.TreeItem(suite.name, group ? Expanded : None);
        item.id = `testRuns:${entry.repo.root}:suite:${suite.name}`;
        const command = Array.isArray(suite.command) ? suite.command.join(' ') : suite.command;
        const origin = suite.origin === 'detected' ? 'detected from package.json' : '.sdlc.json';
        if (group) {
          const parts = runnableSuites(entry.suites, [suite]);
          const running = parts.some((p) => entry.running.has(p.name));
          item.description = ['group', count(parts.length, 'suite'), running ? 'running…' : undefined].filter(Boolean).join(' · ');
          item.iconPath = new vscode.ThemeIcon(running ? 'loading~spin' : 'layers');
          item.tooltip = new vscode.MarkdownString(
            `**${suite.name}** (${origin}) runs ${group.parts.map((p) => `\`${p}\``).join(', ')} (${group.via}).\n\n` +
              `It is shown and run as the group of its parts, so "Run All" runs each test once: ${parts.map((p) => `\`${p.name}\` (${p.kind})`).join(', ')}.\n\n\`${command}\``,
          );
          item.contextValue = running ? 'suite running group' : 'suite';
          return item;
        }
        const last = lastRunOf(entry, suite.name);
        const running = entry.running.has(suite.name);
        item.description = [suite.kind, running ? 'running…' : last ? `${countsText(last)} · ${relativeTime(last.time)}` : 'not run yet'].join(' · ');
        item.iconPath = running ? new vscode.ThemeIcon('loading~spin') : last ? outcomeIcon(last) : new vscode.ThemeIcon('circle-outline');
        const kindLine = suite.origin === 'config' ? `Kind: **${suite.kind}**, set in .sdlc.json.` : `Kind: **${suite.kind}**, guessed because ${suite.kindReason ?? 'nothing names another kind'} — set it in .sdlc.json "tests" if it is wrong.`;
        const covers = suite.group ? `\n\nRuns ${suite.group.parts.map((p) => `\`${p}\``).join(', ')} (${suite.group.via}) and more, so "Run All" leaves those out.` : '';
        item.tooltip = new vscode.MarkdownString(`**${suite.name}** (${suite.kind}, ${origin})\n\n${kindLine}${covers}\n\n\`${command}\`\n\nin \`${suite.cwd}\``);
        item.contextValue = running ? 'suite running' : 'suite';
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('History', Collapsed);
        item.id = `testRuns:${node.entry.repo.root}:history`;
        item.description = count(node.entry.history.length, 'run');
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = node.entry.history.length ? 'history hasRuns' : 'history';
        return item;
      }
      case 'run': {
        const { run } = node;
        const item = new vscode.TreeItem(`${run.suite}: ${countsText(run)}`, run.failed.length ? Collapsed : None);
        item.id = `testRuns:${node.entry.repo.root}:run:${run.id}`;
        item.description = [formatTime(run.time), [run.branch ?? 'detached', run.commit?.slice(0, 7)].filter(Boolean).join(' '), run.kind, formatDuration(run.durationMs), run.source === 'ci' ? 'CI' : undefined, run.warnings?.length ? count(run.warnings.length, 'warning') : undefined]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = `${run.suite} (${run.kind}, ${run.source}) at ${new Date(run.time).toLocaleString()}\n${run.branch ?? 'detached HEAD'} ${run.commit ?? ''}\n${countsText(run)} in ${formatDuration(run.durationMs)}${run.url ? `\n${run.url}` : ''}${(run.warnings ?? []).map((w) => `\n⚠ ${w}`).join('')}`;
        item.iconPath = outcomeIcon(run);
        item.contextValue = `run ${run.source}${run.failed.length ? ' hasFailures' : ''}`;
        return item;
      }
      case 'failedTest':
        return failureItem(`testRuns:${node.entry.repo.root}:run:${node.run.id}:${node.test.id}`, node.entry, node.test, firstLine(node.test.message), 'error');
      case 'regressions':
        return problemGroup(node.entry.repo.root, 'regressions', 'Regressions', node.tests.length, 'Tests that passed in the previous run of their suite and fail now', 'arrow-down', 'testing.iconFailed');
      case 'regression':
        return failureItem(`testRuns:${node.entry.repo.root}:regression:${node.suite}:${node.test.id}`, node.entry, node.test, [node.suite, firstLine(node.test.message)].filter(Boolean).join(' · '), 'arrow-down');
      case 'flaky':
        return problemGroup(node.entry.repo.root, 'flaky', 'Flaky', node.tests.length, 'Tests whose outcome changed at least twice in the last 10 runs of their suite on the same commit', 'question', 'testing.iconQueued');
      case 'flakyTest': {
        const t = node.test;
        const item = new vscode.TreeItem(t.name, None);
        item.id = `testRuns:${node.entry.repo.root}:flaky:${t.suite}:${t.id}`;
        item.description = `${t.suite} · ${t.flips} flips · last ${t.lastStatus}`;
        item.tooltip = t.id;
        item.iconPath = new vscode.ThemeIcon('question');
        item.contextValue = 'flakyTest';
        const failure = lastFailure(node.entry, t.suite, t.id);
        if (failure?.location) item.command = openFailureCommand(node.entry, failure);
        return item;
      }
      case 'section': {
        const section = this.sections[node.section];
        const item = new vscode.TreeItem(section.label ?? 'CI', Collapsed);
        item.id = `testRuns:${node.entry.repo.root}:section${node.section}`;
        item.iconPath = new vscode.ThemeIcon('github-action');
        item.contextValue = 'ciGroup';
        return item;
      }
      case 'sectionNode': {
        const item = this.sections[node.section].treeItem(node.node);
        // Ids must be unique in the whole view: prefix the section's own.
        if (item.id) item.id = `${node.parentId}:${item.id}`;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = `testRuns:message:${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip ?? node.label;
        item.command = node.command;
        item.contextValue = node.contextValue ?? 'message';
        return item;
      }
    }
  }
}

function regressionsOf(entry: RepoTests): Array<{ suite: string; test: FailedTest }> {
  const suites = [...new Set(entry.history.map((r) => r.suite))];
  return suites.flatMap((suite) => regressions(entry.history, suite).map((test) => ({ suite, test })));
}

function lastRunOf(entry: RepoTests, suite: string): TestRunRecord | undefined {
  for (let i = entry.history.length - 1; i >= 0; i--) if (entry.history[i].suite === suite) return entry.history[i];
  return undefined;
}

function lastFailure(entry: RepoTests, suite: string, id: string): FailedTest | undefined {
  for (let i = entry.history.length - 1; i >= 0; i--) {
    const r = entry.history[i];
    if (r.suite !== suite) continue;
    const f = r.failed.find((t) => t.id === id);
    if (f) return f;
  }
  return undefined;
}

function failureItem(id: string, entry: RepoTests, test: FailedTest, description: string | undefined, icon: string): vscode.TreeItem {
  const item = new vscode.TreeItem(test.name, None);
  item.id = id;
  item.description = description;
  item.tooltip = new vscode.MarkdownString(`**${test.name}**\n\n\`\`\`\n${(test.message ?? '').slice(0, 2000)}\n\`\`\`${test.location ? `\n\n${test.location.file}:${test.location.line}` : ''}`);
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor('testing.iconFailed'));
  item.contextValue = test.location ? 'failure hasLocation' : 'failure';
  if (test.location) item.command = openFailureCommand(entry, test);
  return item;
}

function openFailureCommand(entry: RepoTests, test: FailedTest): vscode.Command {
  return { command: CommandIds.testRunsOpenFailure, title: 'Open Failure', arguments: [{ repository: entry.repo.root, file: test.location?.file, line: test.location?.line, column: test.location?.column }] };
}

function openConfig(entry: RepoTests): vscode.Command {
  return { command: 'vscode.open', title: 'Open .sdlc.json', arguments: [vscode.Uri.file(path.join(entry.repo.root, '.sdlc.json'))] };
}

function message(id: string, label: string, icon: string, command?: vscode.Command): TestRunsNode {
  return { kind: 'message', id, label, icon, command };
}

function outcomeIcon(run: TestRunRecord): vscode.ThemeIcon {
  return run.counts.failed > 0 ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')) : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}

export function countsText(run: Pick<TestRunRecord, 'counts'>): string {
  const c = run.counts;
  return `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The first line of a message, with the next one when it only announces it ("Expected … equal:"). */
function firstLine(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  return lines[0].endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0];
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

function relativeTime(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** The Regressions / Flaky group: expanded and coloured when it holds something. */
function problemGroup(root: string, kind: 'regressions' | 'flaky', label: string, size: number, tooltip: string, icon: string, color: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, size ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  // A different id once there is something: the group opens instead of keeping its empty, folded state.
  item.id = `testRuns:${root}:${kind}:${size ? 'some' : 'none'}`;
  item.description = String(size);
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(icon, size ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = kind;
  return item;
}
