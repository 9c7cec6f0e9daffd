/**
 * GitHub Actions in the fake GitHub: workflow runs, their jobs (with steps and a log) and artifacts
 * (zip files built with fflate), plus the signed download URLs the API redirects to. Kept apart
 * from `state.ts`; `FakeState` exposes the arrange methods (addWorkflowRun, addJob, setJobLog,
 * addArtifact, updateWorkflowRun) and routes/actions.ts reads and mutates these records.
 */
import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type RunConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale';

export interface StepRecord {
  number: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: RunConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface JobRecord {
  id: number;
  runId: number;
  runAttempt: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: RunConclusion | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  steps: StepRecord[];
  log: string;
}

export interface ArtifactRecord {
  id: number;
  runId: number;
  name: string;
  zip: Buffer;
  expired: boolean;
  createdAt: string;
}

export interface WorkflowRunRecord {
  id: number;
  repoKey: string;
  owner: string;
  repo: string;
  workflowId: number;
  name: string;
  path: string;
  displayTitle: string;
  event: string;
  headBranch: string;
  headSha: string;
  runNumber: number;
  runAttempt: number;
  status: RunStatus;
  conclusion: RunConclusion | null;
  actor: string;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  jobs: JobRecord[];
  artifacts: ArtifactRecord[];
}

export interface AddWorkflowRunOptions {
  name?: string;
  /** Workflow file, default `.github/workflows/ci.yml`. */
  path?: string;
  branch: string;
  sha: string;
  event?: string;
  status?: RunStatus;
  conclusion?: RunConclusion | null;
  displayTitle?: string;
}

export interface AddJobOptions {
  name: string;
  status?: JobRecord['status'];
  conclusion?: RunConclusion | null;
  steps?: Array<{ name: string; status?: StepRecord['status']; conclusion?: RunConclusion | null }>;
  log?: string;
}

export interface Blob {
  contentType: string;
  body: Buffer;
}

export class ActionsStore {
  readonly runs = new Map<number, WorkflowRunRecord>();
  /** Signed download URLs (path → content), served without the API's auth and validation. */
  readonly blobs = new Map<string, Blob>();
  private readonly runNumbers = new Map<string, number>();
  private readonly workflowIds = new Map<string, number>();

  reset(): void {
    this.runs.clear();
    this.blobs.clear();
    this.runNumbers.clear();
    this.workflowIds.clear();
  }

  runsOf(repoKey: string): WorkflowRunRecord[] {
    return [...this.runs.values()].filter((r) => r.repoKey === repoKey);
  }

  addRun(owner: string, repo: string, repoKey: string, opts: AddWorkflowRunOptions, ids: { newId(): number; tick(): string; login: string }): WorkflowRunRecord {
    const path = opts.path ?? '.github/workflows/ci.yml';
    let workflowId = this.workflowIds.get(`${repoKey}:${path}`);
    if (workflowId === undefined) this.workflowIds.set(`${repoKey}:${path}`, (workflowId = ids.newId()));
    const runNumber = (this.runNumbers.get(repoKey) ?? 0) + 1;
    this.runNumbers.set(repoKey, runNumber);
    const now = ids.tick();
    const status = opts.status ?? 'completed';
    const run: WorkflowRunRecord = {
      id: ids.newId(),
      repoKey,
      owner,
      repo,
      workflowId,
      name: opts.name ?? 'CI',
      path,
      displayTitle: opts.displayTitle ?? `${opts.name ?? 'CI'} on ${opts.branch}`,
      event: opts.event ?? 'push',
      headBranch: opts.branch,
      headSha: opts.sha,
      runNumber,
      runAttempt: 1,
      status,
      conclusion: status === 'completed' ? (opts.conclusion ?? 'success') : null,
      actor: ids.login,
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      jobs: [],
      artifacts: [],
    };
    this.runs.set(run.id, run);
    return run;
  }

  addJob(run: WorkflowRunRecord, opts: AddJobOptions, ids: { newId(): number; tick(): string }): JobRecord {
    const now = ids.tick();
    const status = opts.status ?? (run.status === 'completed' ? 'completed' : 'in_progress');
    const completed = status === 'completed';
    const job: JobRecord = {
      id: ids.newId(),
      runId: run.id,
      runAttempt: run.runAttempt,
      name: opts.name,
      status,
      conclusion: completed ? (opts.conclusion ?? 'success') : null,
      createdAt: now,
      startedAt: now,
      completedAt: completed ? now : null,
      steps: (opts.steps ?? []).map((s, i) => {
        const stepStatus = s.status ?? (completed ? 'completed' : 'queued');
        return {
          number: i + 1,
          name: s.name,
          status: stepStatus,
          conclusion: stepStatus === 'completed' ? (s.conclusion ?? 'success') : null,
          startedAt: stepStatus === 'queued' ? null : now,
          completedAt: stepStatus === 'completed' ? now : null,
        };
      }),
      log: opts.log ?? '',
    };
    run.jobs.push(job);
    return job;
  }

  addArtifact(run: WorkflowRunRecord, name: string, entries: Record<string, string | Uint8Array>, ids: { newId(): number; tick(): string }, opts: { expired?: boolean } = {}): ArtifactRecord {
    const files: Record<string, Uint8Array> = {};
    for (const [file, content] of Object.entries(entries)) files[file] = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const artifact: ArtifactRecord = { id: ids.newId(), runId: run.id, name, zip: Buffer.from(zipSync(files)), expired: opts.expired ?? false, createdAt: ids.tick() };
    run.artifacts.push(artifact);
    return artifact;
  }

  /** A new signed URL path for a download (like GitHub's short-lived blob URLs). */
  sign(blob: Blob): string {
    const path = `/_blobs/${randomBytes(12).toString('hex')}`;
    this.blobs.set(path, blob);
    return path;
  }

  findJob(id: number): { run: WorkflowRunRecord; job: JobRecord } | undefined {
    for (const run of this.runs.values()) {
      const job = run.jobs.find((j) => j.id === id);
      if (job) return { run, job };
    }
    return undefined;
  }

  findArtifact(id: number): { run: WorkflowRunRecord; artifact: ArtifactRecord } | undefined {
    for (const run of this.runs.values()) {
      const artifact = run.artifacts.find((a) => a.id === id);
      if (artifact) return { run, artifact };
    }
    return undefined;
  }
}
