import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SdlcError } from '../../core/errors';
import { planRerun, type RerunTarget, type TestKind, type TestSuite } from '../../core/testing';
import { runnableSuites } from '../../core/testing/suite';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CommandIds, InternalCommandIds } from '../ids';
import { inspectTestRuns } from './inspect';
import type { SuiteTestController } from './testController';
import { isTestRunsNode, type TestRunsNode } from './testRunsNodes';
import type { RepoTests, SuiteRunOutcome, TestRunsStore } from './testRunsStore';
import type { TestRunsTree } from './testRunsTree';

/**
 * What programmatic callers pass instead of a tree node:
 * `executeCommand('sdlc.testRuns.runSuite', { repository: '/path', suite: 'unit' })`.
 */
export interface TestRunsArgs {
  repository?: string;
  suite?: string;
  kind?: TestKind;
  /** openFailure: the location (absolute, or relative to the repository). */
  file?: string;
  line?: number;
  column?: number;
  /** clearHistory: `false` skips the confirmation (the caller has confirmed). */
  confirm?: boolean;
}

const CONFIG_TEMPLATE = `{
  "tests": [
    { "name": "unit", "kind": "unit", "command": "npm test", "report": { "format": "mocha-json" } }
  ]
}
`;

export function testRunsCommands(store: TestRunsStore, controller: SuiteTestController, tree: TestRunsTree): CommandSpec[] {
  async function entryOf(arg: unknown): Promise<{ entry: RepoTests; node?: TestRunsNode; args: TestRunsArgs }> {
    if (isTestRunsNode(arg) && 'entry' in arg) return { entry: arg.entry, node: arg, args: {} };
    const args = (typeof arg === 'object' && arg !== null ? arg : {}) as TestRunsArgs;
    await store.ensureLoaded();
    if (args.repository) return { entry: await store.entryFor(args.repository), args };
    const all = store.list();
    if (all.length === 1) return { entry: all[0], args };
    if (all.length === 0) throw new SdlcError('NoRepository', 'There is no git repository in this workspace.');
    const pick = await vscode.window.showQuickPick(
      all.map((entry) => ({ label: entry.repo.name, description: `${entry.suites.length} suites`, entry })),
      { placeHolder: 'Choose a repository' },
    );
    if (!pick) throw new Cancelled();
    return { entry: pick.entry, args };
  }

  async function suiteOf(entry: RepoTests, name: string | undefined): Promise<TestSuite> {
    if (entry.suites.length === 0) throw new SdlcError('NoSuites', `${entry.repo.name} has no test suites: add "tests" to .sdlc.json or a "test" script to package.json.`);
    if (name !== undefined) {
      const suite = entry.suites.find((s) => s.name === name);
      if (!suite) throw new SdlcError('UnknownSuite', `${entry.repo.name} has no suite "${name}" (suites: ${entry.suites.map((s) => s.name).join(', ')}).`, { usage: true });
      return suite;
    }
    if (entry.suites.length === 1) return entry.suites[0];
    const pick = await vscode.window.showQuickPick(
      entry.suites.map((suite) => ({ label: suite.name, description: suite.group?.partsOnly ? `group: ${suite.group.parts.join(', ')}` : suite.kind, suite })),
      { placeHolder: 'Choose a test suite' },
    );
    if (!pick) throw new Cancelled();
    return pick.suite;
  }

  /** What a command returns for one suite: the history record, or why there is none. */
  function result(outcome: SuiteRunOutcome): unknown {
    if (outcome.cancelled) return { cancelled: true, suite: outcome.suite };
    if (outcome.error) return { suite: outcome.suite, error: outcome.error };
    return outcome.record;
  }

  return [
    { id: CommandIds.testRunsRefresh, run: () => store.refresh({ rescan: true }) },
    {
      id: CommandIds.testRunsRunSuite,
      needsTrust: true,
      run: async (arg) => {
        const { entry, node, args } = await entryOf(arg);
        const suite = node?.kind === 'suite' ? node.suite : await suiteOf(entry, args.suite);
        // A group runs as its parts, each once.
        const suites = runnableSuites(entry.suites, [suite]);
        const outcomes = await controller.runSuites(entry, suites);
        return suites.length === 1 && suites[0].name === suite.name ? result(outcomes[0]) : { group: suite.name, runs: outcomes.map(result) };
      },
    },
    {
      id: CommandIds.testRunsRerunFailed,
      needsTrust: true,
      run: async (arg) => {
        const { entry, node, args } = await entryOf(arg);
        const chosen = node?.kind === 'suite' ? node.suite : await suiteOf(entry, args.suite);
        const suites = runnableSuites(entry.suites, [chosen]);
        const lastOf = (name: string) => [...entry.history].reverse().find((r) => r.suite === name && r.source === 'local');
        if (suites.every((s) => !lastOf(s.name))) throw new SdlcError('NoPreviousRun', `The suite "${chosen.name}" has not run yet: there are no failed tests to run again.`);
        const failing = suites.filter((s) => (lastOf(s.name)?.failed.length ?? 0) > 0);
        if (failing.length === 0) {
          void vscode.window.showInformationMessage(`The last run of "${chosen.name}" had no failed tests.`);
          return { suite: chosen.name, failedTests: 0 };
        }
        const planned: TestSuite[] = [];
        const only = new Map<string, readonly RerunTarget[]>();
        const plans = failing.map((suite) => {
          const failed = lastOf(suite.name)!.failed;
          const plan = planRerun(suite, failed);
          if (plan.filtered) only.set(suite.name, plan.targets);
          else void vscode.window.showInformationMessage(`${plan.reason} (${failed.length} failed last time.)`);
          planned.push(plan.suite);
          return plan;
        });
        const outcomes = await controller.runSuites(entry, planned, only);
        if (failing.length === 1 && failing[0].name === chosen.name) {
          const plan = plans[0];
          return plan.filtered ? { filtered: true, runner: plan.runner, pattern: plan.pattern, run: result(outcomes[0]) } : { filtered: false, reason: plan.reason, run: result(outcomes[0]) };
        }
        return { group: chosen.name, runs: outcomes.map(result) };
      },
    },
    {
      id: CommandIds.testRunsRunAll,
      needsTrust: true,
      run: async (arg) => {
        const { entry, args } = await entryOf(arg);
        // Each suite once: scripts that run other suites (`test` → `test:*`) run as their parts.
        const suites = runnableSuites(entry.suites).filter((s) => args.kind === undefined || s.kind === args.kind);
        if (suites.length === 0) {
          throw new SdlcError('NoSuites', args.kind ? `${entry.repo.name} has no ${args.kind} suites.` : `${entry.repo.name} has no test suites: add "tests" to .sdlc.json or a "test" script to package.json.`);
        }
        const outcomes = await controller.runSuites(entry, suites);
        return { runs: outcomes.map(result) };
      },
    },
    {
      id: CommandIds.testRunsCancel,
      run: async (arg) => {
        const args = (typeof arg === 'object' && arg !== null ? arg : {}) as TestRunsArgs;
        const node = isTestRunsNode(arg) ? arg : undefined;
        const root = node && 'entry' in node ? node.entry.repo.root : args.repository ? path.resolve(args.repository) : undefined;
        const name = node?.kind === 'suite' ? node.suite.name : args.suite;
        const entry = root !== undefined ? store.list().find((e) => e.repo.root === root) : undefined;
        const group = entry?.suites.find((s) => s.name === name && s.group?.partsOnly);
        if (entry && group) return { cancelled: runnableSuites(entry.suites, [group]).reduce((n, s) => n + controller.cancel(root, s.name), 0) };
        return { cancelled: controller.cancel(root, name) };
      },
    },
    {
      id: CommandIds.testRunsOpenFailure,
      run: async (arg) => {
        let args: TestRunsArgs;
        if (isTestRunsNode(arg) && (arg.kind === 'failedTest' || arg.kind === 'regression')) {
          args = { repository: arg.entry.repo.root, file: arg.test.location?.file, line: arg.test.location?.line, column: arg.test.location?.column };
        } else {
          args = (typeof arg === 'object' && arg !== null ? arg : {}) as TestRunsArgs;
        }
        if (!args.file) throw new SdlcError('NoLocation', 'The failure has no known source location.');
        const file = path.resolve(args.repository ?? '', args.file);
        const line = Math.max(0, (args.line ?? 1) - 1);
        const position = new vscode.Position(line, Math.max(0, (args.column ?? 1) - 1));
        const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return { file, line: line + 1 };
      },
    },
    {
      id: CommandIds.testRunsClearHistory,
      run: async (arg) => {
        const { entry, args } = await entryOf(arg);
        if (args.confirm !== false) {
          const answer = await vscode.window.showWarningMessage(
            `Clear the test history of ${entry.repo.name} (${entry.history.length} runs)?`,
            { modal: true, detail: 'Regressions and flaky tests are computed from it; this cannot be undone.' },
            'Clear History',
          );
          if (answer !== 'Clear History') throw new Cancelled();
        }
        await store.clearHistory(entry);
        return { cleared: true };
      },
    },
    {
      id: CommandIds.testRunsConfigure,
      needsTrust: true,
      run: async (arg) => {
        const { entry } = await entryOf(arg);
        const file = path.join(entry.repo.root, '.sdlc.json');
        const exists = await fs.stat(file).then(
          () => true,
          () => false,
        );
        if (!exists) await fs.writeFile(file, CONFIG_TEMPLATE, { flag: 'wx' });
        await vscode.window.showTextDocument(vscode.Uri.file(file));
        return { file, created: !exists };
      },
    },
    {
      id: InternalCommandIds.testRunsInspect,
      run: async () => {
        await store.ensureLoaded();
        controller.sync();
        return inspectTestRuns(store, tree, controller.controller);
      },
    },
  ];
}
