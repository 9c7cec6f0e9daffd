/**
 * GitHub Actions on top of `GitHub.request`: workflow runs of a branch, their jobs and steps, job
 * logs, artifacts, re-run and cancel. Everything goes through the adapter, so ETags (a 304 costs
 * no rate limit), retry and error classification apply. Logs and artifact zips are answered by
 * GitHub with a 302 to a short-lived signed URL; fetch follows it.
 */
import type { GitHubRepoRef } from '../git/git';
import { GitHubError, type GitHub } from './github';

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';

export interface WorkflowRun {
  id: number;
  /** Workflow name (e.g. "CI"). */
  name: string;
  title: string;
  runNumber: number;
  attempt: number;
  event: string;
  status: RunStatus;
  /** success, failure, cancelled, skipped, timed_out, …; null while running. */
  conclusion: string | null;
  branch: string | null;
  sha: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string;
  /** Finished: start to last update; running: start to now. */
  durationMs: number;
}

export interface WorkflowStep {
  number: number;
  name: string;
  status: string;
  conclusion: string | null;
  durationMs: number | null;
}

export interface WorkflowJob {
  id: number;
  runId: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  htmlUrl: string | null;
  steps: WorkflowStep[];
}

export interface WorkflowArtifact {
  id: number;
  runId: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
  createdAt: string | null;
  expiresAt: string | null;
}

/** A run of a repository. */
export interface RunRef {
  repo: GitHubRepoRef;
  runId: number;
}

export function isRunInProgress(run: Pick<WorkflowRun, 'status'>): boolean {
  return run.status !== 'completed';
}

/** Typed GitHub Actions calls. `now` is injectable so durations of running runs are testable. */
export class GitHubActions {
  constructor(
    private readonly github: GitHub,
    private readonly now: () => number = Date.now,
  ) {}

  /** The newest runs of a branch (default 20), newest first. */
  async listWorkflowRuns(repo: GitHubRepoRef, options: { branch?: string; perPage?: number } = {}): Promise<WorkflowRun[]> {
    const params: Record<string, unknown> = { owner: repo.owner, repo: repo.repo, per_page: options.perPage ?? 20, exclude_pull_requests: true };
    if (options.branch) params.branch = options.branch;
    const { data } = await this.github.request<{ workflow_runs?: RawRun[] }>('GET /repos/{owner}/{repo}/actions/runs', params);
    return expectArray(data.workflow_runs, 'workflow_runs').map((r) => this.toRun(r));
  }

  async getWorkflowRun(ref: RunRef): Promise<WorkflowRun> {
    const { data } = await this.github.request<RawRun>('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: ref.repo.owner, repo: ref.repo.repo, run_id: ref.runId });
    return this.toRun(data);
  }

  /** Jobs of the latest attempt with their steps. */
  async listJobs(ref: RunRef): Promise<WorkflowJob[]> {
    const { data } = await this.github.request<{ jobs?: RawJob[] }>('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
      owner: ref.repo.owner,
      repo: ref.repo.repo,
      run_id: ref.runId,
      filter: 'latest',
      per_page: 100,
    });
    return expectArray(data.jobs, 'jobs').map((j) => this.toJob(j));
  }

  /** The plain-text log of a job (GitHub redirects to a signed URL; fetch follows it). */
  async jobLogs(repo: GitHubRepoRef, jobId: number): Promise<string> {
    const { data } = await this.github.request<unknown>('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { owner: repo.owner, repo: repo.repo, job_id: jobId });
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    throw new GitHubError('MalformedResponse', `job ${jobId}: the log is not text`);
  }

  async rerunFailedJobs(ref: RunRef): Promise<void> {
    await this.github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', { owner: ref.repo.owner, repo: ref.repo.repo, run_id: ref.runId });
  }

  async rerun(ref: RunRef): Promise<void> {
    await this.github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun', { owner: ref.repo.owner, repo: ref.repo.repo, run_id: ref.runId });
  }

  /** Cancels a running run; a finished one answers 409 (GitHubError `Conflict`). */
  async cancel(ref: RunRef): Promise<void> {
    await this.github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', { owner: ref.repo.owner, repo: ref.repo.repo, run_id: ref.runId });
  }

  async listArtifacts(ref: RunRef): Promise<WorkflowArtifact[]> {
    const { data } = await this.github.request<{ artifacts?: RawArtifact[] }>('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
      owner: ref.repo.owner,
      repo: ref.repo.repo,
      run_id: ref.runId,
      per_page: 100,
    });
    return expectArray(data.artifacts, 'artifacts').map((a) => ({
      id: a.id,
      runId: a.workflow_run?.id ?? ref.runId,
      name: a.name,
      sizeInBytes: a.size_in_bytes,
      expired: a.expired,
      createdAt: a.created_at ?? null,
      expiresAt: a.expires_at ?? null,
    }));
  }

  /** The artifact's zip. An expired artifact answers 410 (GitHubError `Unknown` with status 410). */
  async downloadArtifact(repo: GitHubRepoRef, artifactId: number): Promise<Buffer> {
    const { data } = await this.github.request<unknown>('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      owner: repo.owner,
      repo: repo.repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      request: { timeoutMs: 120_000 },
    });
    if (data instanceof ArrayBuffer) return Buffer.from(data);
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    throw new GitHubError('MalformedResponse', `artifact ${artifactId}: the download is not a zip file`);
  }

  private toRun(r: RawRun): WorkflowRun {
    const startedAt = r.run_started_at ?? r.created_at;
    const end = r.status === 'completed' ? Date.parse(r.updated_at) : this.now();
    return {
      id: r.id,
      name: r.name ?? r.path ?? 'workflow',
      title: r.display_title ?? r.name ?? '',
      runNumber: r.run_number,
      attempt: r.run_attempt ?? 1,
      event: r.event,
      status: (r.status ?? 'queued') as RunStatus,
      conclusion: r.conclusion ?? null,
      branch: r.head_branch ?? null,
      sha: r.head_sha,
      htmlUrl: r.html_url,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      startedAt,
      durationMs: Math.max(0, end - Date.parse(startedAt)) || 0,
    };
  }

  private toJob(j: RawJob): WorkflowJob {
    return {
      id: j.id,
      runId: j.run_id,
      name: j.name,
      status: j.status,
      conclusion: j.conclusion ?? null,
      startedAt: j.started_at ?? null,
      completedAt: j.completed_at ?? null,
      durationMs: span(j.started_at, j.completed_at, j.status === 'in_progress' ? this.now() : undefined),
      htmlUrl: j.html_url ?? null,
      steps: (j.steps ?? []).map((s) => ({ number: s.number, name: s.name, status: s.status, conclusion: s.conclusion ?? null, durationMs: span(s.started_at, s.completed_at) })),
    };
  }
}

function span(start: string | null | undefined, end: string | null | undefined, now?: number): number | null {
  if (!start) return null;
  const to = end ? Date.parse(end) : now;
  if (to === undefined) return null;
  const ms = to - Date.parse(start);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

function expectArray<T>(value: T[] | undefined, what: string): T[] {
  if (!Array.isArray(value)) throw new GitHubError('MalformedResponse', `GitHub answered without ${what}`);
  return value;
}

interface RawRun {
  id: number;
  name?: string | null;
  display_title?: string;
  path?: string;
  run_number: number;
  run_attempt?: number;
  event: string;
  status: string | null;
  conclusion: string | null;
  head_branch: string | null;
  head_sha: string;
  html_url: string;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
}

interface RawJob {
  id: number;
  run_id: number;
  name: string;
  status: string;
  conclusion: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  html_url?: string | null;
  steps?: Array<{ number: number; name: string; status: string; conclusion: string | null; started_at?: string | null; completed_at?: string | null }>;
}

interface RawArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at?: string | null;
  expires_at?: string | null;
  workflow_run?: { id?: number } | null;
}
