/**
 * CI commands: refresh, re-run failed jobs / all jobs, cancel (confirmed), open a job's log in a
 * read-only editor, download an artifact, import an artifact's JUnit reports into the run history.
 * Each takes a tree node or `{ repository, runId | jobId | artifactId, … }`; writes to GitHub are
 * recorded in the audit log.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SdlcError } from '../../core/errors';
import { isRunInProgress, type WorkflowArtifact, type WorkflowRun } from '../../core/github/actions';
import { appendRun } from '../../core/testing/history';
import { importJUnitArtifact } from '../../core/testing/ciImport';
import type { AuditService } from '../audit';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CI_LOG_SCHEME, CommandIds, InternalCommandIds } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import { historyFile } from './historyLocation';
import { isCiNode, outcome, type CiNode } from './ciSection';
import type { CiStore, RepoCi } from './ciStore';

export { CI_LOG_SCHEME };

interface CiArgs {
  repository?: string;
  runId?: number;
  jobId?: number;
  artifactId?: number;
  /** cancel: false skips the confirmation. */
  confirm?: boolean;
  /** downloadArtifact: where to write the zip (else a save dialog). */
  target?: string;
  /** openJobLog: the job's name for the editor title. */
  name?: string;
}

interface Target {
  model: RepositoryModel;
  entry: RepoCi;
  node?: CiNode;
  args: CiArgs;
}

/** Job logs as read-only documents: `sdlc-ci-log:/owner/repo/<job name>.log?root=…&job=…`. */
export function ciLogContentProvider(store: CiStore): vscode.TextDocumentContentProvider {
  return {
    async provideTextDocumentContent(uri) {
      const query = new URLSearchParams(uri.query);
      const entry = store.entryByRoot(query.get('root') ?? '');
      const jobId = Number(query.get('job'));
      if (!entry || !Number.isInteger(jobId)) return 'This log is no longer available: refresh the CI runs and open it again.';
      return (await store.actions()).jobLogs(entry.repo, jobId);
    },
  };
}

export function ciCommands(store: CiStore, audit: AuditService, storageUri: () => vscode.Uri): CommandSpec[] {
  /** The repository and CI data a command is about: a tree node (also wrapped by the Test Runs tree) or `{ repository }`. */
  async function target(arg: unknown): Promise<Target> {
    const inner = typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'sectionNode' ? (arg as { node: unknown }).node : arg;
    const node = isCiNode(inner) ? inner : undefined;
    const args = (node ? {} : (inner ?? {})) as CiArgs;
    // The Test Runs tree's own "CI" group node carries its repository.
    const groupRoot = (inner as { kind?: unknown; entry?: { repo?: { root?: string } } } | undefined)?.kind === 'section' ? (inner as { entry?: { repo?: { root?: string } } }).entry?.repo?.root : undefined;
    const root = node && 'root' in node ? node.root : (groupRoot ?? args.repository);
    const repos = store.repositories;
    if (repos.state === 'loading') await repos.rescan();
    const model = root ? repos.find(root) : repos.onlyRepository;
    if (!model) throw new SdlcError('NotARepository', root ? `${root} is not one of the workspace's repositories.` : 'Which repository? Pass { repository }.', { usage: true });
    if (!model.snapshot) await repos.refresh(model);
    if (!model.githubRemote()) throw new SdlcError('NoGitHubRemote', `${model.name} has no GitHub remote.`);
    const entry = store.entryFor(model);
    if (!entry) throw new SdlcError('DetachedHead', `${model.name} is not on a branch: CI runs are listed per branch.`);
    if (entry.state !== 'ready') await store.refresh(entry);
    return { model, entry, node, args };
  }

  function runOf(t: Target): WorkflowRun {
    const id = t.node && 'run' in t.node ? t.node.run.id : t.args.runId;
    if (id === undefined) throw new SdlcError('NoRun', 'Which workflow run? Pass { runId }.', { usage: true });
    const run = t.entry.runs.find((r) => r.id === id);
    if (!run) throw new SdlcError('RunNotFound', `Workflow run ${id} is not among the runs of ${t.entry.branch}.`);
    return run;
  }

  async function artifactOf(t: Target): Promise<{ run: WorkflowRun; artifact: WorkflowArtifact }> {
    if (t.node?.kind === 'ciArtifact') return { run: t.node.run, artifact: t.node.artifact };
    const id = t.args.artifactId;
    if (id === undefined) throw new SdlcError('NoArtifact', 'Which artifact? Pass { runId, artifactId }.', { usage: true });
    const run = runOf(t);
    const artifact = (await store.loadArtifacts(t.entry, run.id)).find((a) => a.id === id);
    if (!artifact) throw new SdlcError('ArtifactNotFound', `Run ${run.id} has no artifact ${id}.`);
    return { run, artifact };
  }

  /** A write to GitHub, recorded in the audit log; the runs are re-read after it (polling starts). */
  async function write(t: Target, action: string, run: WorkflowRun, fn: () => Promise<void>): Promise<{ runId: number; status: string }> {
    await audit.record({ root: t.model.root, git: t.model.git }, action, { repository: `${t.entry.repo.owner}/${t.entry.repo.repo}`, run: String(run.id), workflow: run.name }, fn);
    await store.refresh(t.entry);
    const now = t.entry.runs.find((r) => r.id === run.id);
    return { runId: run.id, status: now ? outcome(now.status, now.conclusion) : 'unknown' };
  }

  /** Re-run the failed jobs / all jobs of a finished run (audited as `ci.<method>`). */
  function rerunCommand(id: string, method: 'rerunFailedJobs' | 'rerun'): CommandSpec {
    return {
      id,
      needsTrust: true,
      run: async (arg) => {
        const t = await target(arg);
        const run = runOf(t);
        if (isRunInProgress(run)) throw new SdlcError('RunInProgress', `${run.name} #${run.runNumber} is still running.`);
        return write(t, `ci.${method}`, run, async () => (await store.actions())[method]({ repo: t.entry.repo, runId: run.id }));
      },
    };
  }

  return [
    {
      id: CommandIds.ciRefresh,
      run: async (arg) => {
        const t = await target(arg);
        await store.refresh(t.entry);
        return { runs: t.entry.runs.length };
      },
    },
    rerunCommand(CommandIds.ciRerunFailedJobs, 'rerunFailedJobs'),
    rerunCommand(CommandIds.ciRerun, 'rerun'),
    {
      id: CommandIds.ciCancel,
      needsTrust: true,
      run: async (arg) => {
        const t = await target(arg);
        const run = runOf(t);
        if (t.args.confirm !== false) {
          const ok = await vscode.window.showWarningMessage(`Cancel ${run.name} #${run.runNumber} on ${t.entry.branch}?`, { modal: true, detail: 'Jobs still running are stopped; finished jobs keep their results.' }, 'Cancel Run');
          if (ok !== 'Cancel Run') throw new Cancelled();
        }
        return write(t, 'ci.cancel', run, async () => (await store.actions()).cancel({ repo: t.entry.repo, runId: run.id }));
      },
    },
    {
      id: CommandIds.ciOpenJobLog,
      run: async (arg) => {
        const t = await target(arg);
        const jobId = t.node?.kind === 'ciJob' ? t.node.job.id : t.args.jobId;
        if (jobId === undefined) throw new SdlcError('NoJob', 'Which job? Pass { jobId }.', { usage: true });
        const name = (t.node?.kind === 'ciJob' ? t.node.job.name : t.args.name) ?? `job-${jobId}`;
        const uri = vscode.Uri.from({
          scheme: CI_LOG_SCHEME,
          path: `/${t.entry.repo.owner}/${t.entry.repo.repo}/${name.replace(/[/\\]/g, '-')}.log`,
          query: new URLSearchParams({ root: t.model.root, job: String(jobId) }).toString(),
        });
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc, { preview: true });
        return { uri: uri.toString(), lines: doc.lineCount };
      },
    },
    {
      id: CommandIds.ciDownloadArtifact,
      run: async (arg) => {
        const t = await target(arg);
        const { artifact } = await artifactOf(t);
        if (artifact.expired) throw new SdlcError('ArtifactExpired', `The artifact "${artifact.name}" has expired.`);
        let file = t.args.target;
        if (!file) {
          const picked = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(t.model.root, `${artifact.name}.zip`)), filters: { 'Zip files': ['zip'] } });
          if (!picked) throw new Cancelled();
          file = picked.fsPath;
        }
        const zip = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${artifact.name}…` }, async () =>
          (await store.actions()).downloadArtifact(t.entry.repo, artifact.id),
        );
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, zip);
        return { path: file, bytes: zip.length };
      },
    },
    {
      id: CommandIds.ciImportArtifact,
      run: async (arg) => {
        const t = await target(arg);
        const { run, artifact } = await artifactOf(t);
        if (artifact.expired) throw new SdlcError('ArtifactExpired', `The artifact "${artifact.name}" has expired.`);
        const zip = await (await store.actions()).downloadArtifact(t.entry.repo, artifact.id);
        const imported = importJUnitArtifact(zip, { run, artifact });
        await appendRun(historyFile(t.model.root, storageUri()), imported.record, { limit: vscode.workspace.getConfiguration('sdlc').get<number>('testRuns.historyLimit', 50) });
        store.touch();
        const { counts } = imported.record;
        void vscode.window.showInformationMessage(`Imported ${artifact.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped.`);
        return { id: imported.record.id, suite: imported.record.suite, counts, files: imported.files, skipped: imported.skipped };
      },
    },
    {
      id: CommandIds.ciOpenRun,
      run: async (arg) => {
        const t = await target(arg);
        const run = runOf(t);
        await vscode.env.openExternal(vscode.Uri.parse(run.htmlUrl));
        return { url: run.htmlUrl };
      },
    },
    {
      id: InternalCommandIds.ciInspect,
      run: async (arg) => {
        const t = await target(arg);
        await t.entry.loading;
        return {
          branch: t.entry.branch,
          state: t.entry.state,
          error: t.entry.error,
          polling: t.entry.poller !== undefined,
          runs: t.entry.runs.map((r) => ({ id: r.id, name: r.name, status: r.status, conclusion: r.conclusion, attempt: r.attempt })),
          notifications: store.notifications.filter((n) => n.root === t.model.root),
        };
      },
    },
  ];
}
