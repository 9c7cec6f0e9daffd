/**
 * GitHub Environments, Deployments (+ statuses), workflow dispatch and pending-deployment reviews
 * on top of `GitHub.request` (so ETags, retry and error classification apply). Errors keep the
 * GitHub classification, with messages that say what to do.
 */
import { SdlcError } from '../errors';
import type { GitHubRepoRef } from '../git/git';
import { GitHubError, type GitHub } from '../github/github';

export interface GitHubEnvironment {
  id: number;
  name: string;
  htmlUrl: string;
  /** Logins (and team slugs) of the required reviewers; empty when none. */
  reviewers: string[];
  waitTimerMinutes: number;
}

export type DeploymentStatusState = 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';

export interface DeploymentStatus {
  id: number;
  state: DeploymentStatusState;
  description: string;
  creator: string | null;
  createdAt: string;
  logUrl: string | null;
  environmentUrl: string | null;
}

export interface Deployment {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  task: string;
  description: string | null;
  creator: string | null;
  createdAt: string;
  payload: unknown;
  /** Newest first (filled by `withStatuses`). */
  statuses: DeploymentStatus[];
}

export interface PendingDeployment {
  environmentId: number;
  environment: string;
  currentUserCanApprove: boolean;
  reviewers: string[];
  waitTimerMinutes: number;
}

export interface DispatchedRun {
  runId: number | null;
  htmlUrl: string | null;
}

type Json = Record<string, unknown>;

export class GitHubDeployments {
  constructor(
    private readonly github: GitHub,
    private readonly repo: GitHubRepoRef,
  ) {}

  private get base(): { owner: string; repo: string } {
    return { owner: this.repo.owner, repo: this.repo.repo };
  }

  async environments(): Promise<GitHubEnvironment[]> {
    const out: GitHubEnvironment[] = [];
    for (let page = 1; page <= 20; page++) {
      const { data } = await this.github.request<{ total_count?: number; environments?: Json[] }>('GET /repos/{owner}/{repo}/environments', { ...this.base, per_page: 100, page });
      const list = data.environments ?? [];
      out.push(...list.map(toEnvironment));
      if (list.length < 100) break;
    }
    return out;
  }

  /** Deployments, newest first (one page of `perPage`), optionally of one environment. */
  async deployments(options: { environment?: string; perPage?: number; page?: number } = {}): Promise<Deployment[]> {
    const { data } = await this.github.request<Json[]>('GET /repos/{owner}/{repo}/deployments', {
      ...this.base,
      ...(options.environment ? { environment: options.environment } : {}),
      per_page: options.perPage ?? 30,
      page: options.page ?? 1,
    });
    return data.map(toDeployment);
  }

  async statuses(deploymentId: number): Promise<DeploymentStatus[]> {
    const { data } = await this.github.request<Json[]>('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { ...this.base, deployment_id: deploymentId, per_page: 100 });
    return data.map(toStatus);
  }

  async withStatuses(list: Deployment[]): Promise<Deployment[]> {
    return Promise.all(list.map(async (d) => ({ ...d, statuses: await this.statuses(d.id) })));
  }

  async createDeployment(input: { ref: string; environment: string; description?: string; payload?: Json; requiredContexts?: string[]; task?: string }): Promise<Deployment> {
    try {
      const { status, data } = await this.github.request<Json>('POST /repos/{owner}/{repo}/deployments', {
        ...this.base,
        ref: input.ref,
        environment: input.environment,
        task: input.task ?? 'deploy',
        auto_merge: false,
        required_contexts: input.requiredContexts ?? [],
        payload: input.payload ?? {},
        description: input.description ?? '',
        production_environment: /prod/i.test(input.environment),
      });
      if (status === 202) throw new SdlcError('DeploymentNotCreated', `GitHub did not create the deployment of ${input.ref}: ${String(data.message ?? 'merged the default branch instead')}.`);
      return toDeployment(data);
    } catch (e) {
      if (e instanceof GitHubError && e.githubCode === 'ValidationFailed') {
        throw new SdlcError('DeploymentRefused', `GitHub refused the deployment of ${input.ref} to ${input.environment}: ${e.message}. Check that the ref exists on GitHub (push it) and that its required status checks passed.`, { cause: e });
      }
      throw e;
    }
  }

  async createStatus(deploymentId: number, input: { state: DeploymentStatusState; description?: string; logUrl?: string; environmentUrl?: string }): Promise<DeploymentStatus> {
    const { data } = await this.github.request<Json>('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...this.base,
      deployment_id: deploymentId,
      state: input.state,
      description: (input.description ?? '').slice(0, 140),
      ...(input.logUrl ? { log_url: input.logUrl } : {}),
      ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
    });
    return toStatus(data);
  }

  /** Dispatches a workflow; the run it started when GitHub says (return_run_details), else null. */
  async dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchedRun> {
    try {
      const { status, data } = await this.github.request<Json | undefined>('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...this.base,
        workflow_id: workflow,
        ref,
        inputs,
        return_run_details: true,
      });
      if (status === 200 && data && typeof data.workflow_run_id === 'number') return { runId: data.workflow_run_id, htmlUrl: typeof data.html_url === 'string' ? data.html_url : null };
      return { runId: null, htmlUrl: null };
    } catch (e) {
      if (e instanceof GitHubError) {
        if (e.githubCode === 'ValidationFailed') {
          throw new SdlcError('DispatchRefused', `GitHub refused to dispatch ${workflow} on ${ref}: ${e.message}. Check that the ref is pushed and that the workflow on that ref has a workflow_dispatch trigger with these inputs.`, { cause: e });
        }
        if (e.githubCode === 'Forbidden') {
          throw new SdlcError('DispatchForbidden', `GitHub forbids dispatching ${workflow}: ${e.message}. The token needs the "actions: write" (or "repo") permission on ${this.repo.owner}/${this.repo.repo}.`, { cause: e });
        }
        if (e.githubCode === 'NotFound') {
          throw new SdlcError('WorkflowNotFound', `GitHub has no workflow ${workflow} in ${this.repo.owner}/${this.repo.repo}. Push .github/workflows/${workflow} to the default branch, or fix deploy.workflow in .sdlc.json.`, { cause: e });
        }
      }
      throw e;
    }
  }

  /** Newest workflow_dispatch runs of a workflow created at or after `since` (ISO), for a dispatch without run details. */
  async findDispatchedRun(workflow: string, ref: string, since: string): Promise<{ runId: number; htmlUrl: string } | null> {
    const { data } = await this.github.request<{ workflow_runs?: Json[] }>('GET /repos/{owner}/{repo}/actions/runs', { ...this.base, event: 'workflow_dispatch', branch: ref, per_page: 20 });
    const file = workflow.replace(/^.*\//, '');
    const run = (data.workflow_runs ?? []).find((r) => String(r.path ?? '').endsWith(file) && String(r.created_at ?? '') >= since.replace(/\.\d{3}Z$/, 'Z'));
    return run ? { runId: Number(run.id), htmlUrl: String(run.html_url) } : null;
  }

  async run(runId: number): Promise<{ id: number; status: string; conclusion: string | null; htmlUrl: string }> {
    const { data } = await this.github.request<Json>('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { ...this.base, run_id: runId });
    return { id: Number(data.id), status: String(data.status), conclusion: (data.conclusion as string | null) ?? null, htmlUrl: String(data.html_url) };
  }

  /** Workflow runs waiting (for a review of their deployments), newest first. */
  async waitingRuns(): Promise<Array<{ id: number; name: string; ref: string; htmlUrl: string }>> {
    const { data } = await this.github.request<{ workflow_runs?: Json[] }>('GET /repos/{owner}/{repo}/actions/runs', { ...this.base, status: 'waiting', per_page: 30 });
    return (data.workflow_runs ?? []).filter((r) => r.status === 'waiting').map((r) => ({ id: Number(r.id), name: String(r.name ?? ''), ref: String(r.head_branch ?? ''), htmlUrl: String(r.html_url ?? '') }));
  }

  async pendingDeployments(runId: number): Promise<PendingDeployment[]> {
    const { data } = await this.github.request<Json[]>('GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...this.base, run_id: runId });
    return data.map((p) => {
      const env = (p.environment ?? {}) as Json;
      return {
        environmentId: Number(env.id),
        environment: String(env.name ?? ''),
        currentUserCanApprove: p.current_user_can_approve === true,
        reviewers: ((p.reviewers as Json[] | undefined) ?? []).map((r) => reviewerName(r.reviewer as Json | undefined)),
        waitTimerMinutes: Number(p.wait_timer ?? 0),
      };
    });
  }

  /** Approves or rejects the pending deployments of a run for the environments named. */
  async review(runId: number, environments: readonly string[], state: 'approved' | 'rejected', comment: string): Promise<void> {
    const pending = await this.pendingDeployments(runId);
    const chosen = environments.length ? pending.filter((p) => environments.includes(p.environment)) : pending;
    if (chosen.length === 0) {
      throw new SdlcError('NothingPending', `Run ${runId} has no deployment waiting for a review${environments.length ? ` in ${environments.join(', ')}` : ''} (waiting: ${pending.map((p) => p.environment).join(', ') || 'none'}).`, { usage: true });
    }
    const notAllowed = chosen.filter((p) => !p.currentUserCanApprove);
    if (notAllowed.length > 0) {
      throw new SdlcError(
        'NotARequiredReviewer',
        `You are not a required reviewer of ${notAllowed.map((p) => p.environment).join(', ')} (reviewers: ${[...new Set(notAllowed.flatMap((p) => p.reviewers))].join(', ') || 'none'}). Ask one of them to ${state === 'approved' ? 'approve' : 'reject'} run ${runId}.`,
      );
    }
    try {
      await this.github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...this.base, run_id: runId, environment_ids: chosen.map((p) => p.environmentId), state, comment });
    } catch (e) {
      if (e instanceof GitHubError && e.githubCode === 'ValidationFailed') {
        throw new SdlcError('NotARequiredReviewer', `GitHub refused the review of run ${runId}: ${e.message}.`, { cause: e });
      }
      throw e;
    }
  }
}

function reviewerName(r: Json | undefined): string {
  if (!r) return '';
  return String(r.login ?? r.slug ?? r.name ?? '');
}

function toEnvironment(e: Json): GitHubEnvironment {
  const rules = (e.protection_rules as Json[] | undefined) ?? [];
  const reviewers = rules.filter((r) => r.type === 'required_reviewers').flatMap((r) => ((r.reviewers as Json[] | undefined) ?? []).map((x) => reviewerName(x.reviewer as Json | undefined)));
  const wait = rules.find((r) => r.type === 'wait_timer');
  return { id: Number(e.id), name: String(e.name), htmlUrl: String(e.html_url ?? ''), reviewers, waitTimerMinutes: Number(wait?.wait_timer ?? 0) };
}

function toDeployment(d: Json): Deployment {
  return {
    id: Number(d.id),
    ref: String(d.ref),
    sha: String(d.sha),
    environment: String(d.environment),
    task: String(d.task ?? 'deploy'),
    description: (d.description as string | null) ?? null,
    creator: ((d.creator as Json | null)?.login as string | undefined) ?? null,
    createdAt: String(d.created_at),
    payload: d.payload,
    statuses: [],
  };
}

function toStatus(s: Json): DeploymentStatus {
  return {
    id: Number(s.id),
    state: s.state as DeploymentStatusState,
    description: String(s.description ?? ''),
    creator: ((s.creator as Json | null)?.login as string | undefined) ?? null,
    createdAt: String(s.created_at),
    logUrl: (s.log_url as string | undefined) || (s.target_url as string | undefined) || null,
    environmentUrl: (s.environment_url as string | undefined) || null,
  };
}
