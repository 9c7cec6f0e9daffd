/**
 * Deployments in the fake GitHub: environments (with required reviewers and wait timers), deployments
 * and their statuses, workflows that accept `workflow_dispatch` (a dispatch starts a run), and the
 * pending deployments of a run waiting for a review. Kept apart from `state.ts`; tests arrange it
 * through `state.deployments` and routes/deployments.ts reads and mutates it.
 */
export type DeploymentState = 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';

export interface EnvironmentRecord {
  id: number;
  repoKey: string;
  name: string;
  /** Logins that may approve (required reviewers); empty: no review needed. */
  reviewers: string[];
  waitTimerMinutes: number;
  preventSelfReview: boolean;
  createdAt: string;
}

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  description: string;
  environmentUrl: string;
  logUrl: string;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  repoKey: string;
  owner: string;
  repo: string;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string;
  payload: Record<string, unknown> | string;
  creator: string;
  createdAt: string;
  productionEnvironment: boolean;
  statuses: DeploymentStatusRecord[];
}

/** A workflow file of a repository that can be dispatched. */
export interface WorkflowRecord {
  id: number;
  repoKey: string;
  /** File name, e.g. deploy.yml (path .github/workflows/deploy.yml). */
  file: string;
  name: string;
  /** Environments the workflow's jobs deploy to (a dispatched run waits for their reviews). */
  environments: string[];
}

export interface DispatchRecord {
  repoKey: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
  actor: string;
}

export interface ReviewRecord {
  runId: number;
  environmentIds: number[];
  state: 'approved' | 'rejected';
  comment: string;
  user: string;
}

export class DeploymentsStore {
  readonly environments = new Map<string, EnvironmentRecord>();
  readonly deployments = new Map<number, DeploymentRecord>();
  readonly workflows = new Map<string, WorkflowRecord>();
  readonly dispatches: DispatchRecord[] = [];
  /** run id → environment names still waiting for a review. */
  readonly pending = new Map<number, string[]>();
  readonly reviews: ReviewRecord[] = [];
  /** Answer the next dispatches with this status (e.g. 422, 403) instead of starting a run. */
  failNextDispatch: { status: number; message: string } | null = null;
  /** How a dispatched run (once reviewed) ends: at once with success / failure, or 'manual' (the test calls finishRun). */
  dispatchOutcome: 'success' | 'failure' | 'manual' = 'success';
  /** Answer dispatches 204 without run details, like GitHub Enterprise Server before return_run_details. */
  dispatchWithoutRunDetails = false;
  /** Stands in for a pipeline listening to deployment events: called after POST /deployments creates one. */
  onDeploymentCreated: ((d: DeploymentRecord) => void) | null = null;

  reset(): void {
    this.environments.clear();
    this.deployments.clear();
    this.workflows.clear();
    this.dispatches.length = 0;
    this.pending.clear();
    this.reviews.length = 0;
    this.failNextDispatch = null;
    this.dispatchOutcome = 'success';
    this.onDeploymentCreated = null;
    this.dispatchWithoutRunDetails = false;
  }

  environmentsOf(repoKey: string): EnvironmentRecord[] {
    return [...this.environments.values()].filter((e) => e.repoKey === repoKey);
  }

  environment(repoKey: string, name: string): EnvironmentRecord | undefined {
    return this.environments.get(`${repoKey}:${name.toLowerCase()}`);
  }

  addEnvironment(repoKey: string, name: string, opts: { reviewers?: string[]; waitTimerMinutes?: number; preventSelfReview?: boolean }, ids: { newId(): number; tick(): string }): EnvironmentRecord {
    const record: EnvironmentRecord = {
      id: ids.newId(),
      repoKey,
      name,
      reviewers: opts.reviewers ?? [],
      waitTimerMinutes: opts.waitTimerMinutes ?? 0,
      preventSelfReview: opts.preventSelfReview ?? false,
      createdAt: ids.tick(),
    };
    this.environments.set(`${repoKey}:${name.toLowerCase()}`, record);
    return record;
  }

  deploymentsOf(repoKey: string): DeploymentRecord[] {
    // newest first, as GitHub lists them
    return [...this.deployments.values()].filter((d) => d.repoKey === repoKey).sort((a, b) => b.id - a.id);
  }

  workflow(repoKey: string, idOrFile: string): WorkflowRecord | undefined {
    const byFile = this.workflows.get(`${repoKey}:${idOrFile.replace(/^\.github\/workflows\//, '')}`);
    if (byFile) return byFile;
    return [...this.workflows.values()].find((w) => w.repoKey === repoKey && String(w.id) === idOrFile);
  }

  addWorkflow(repoKey: string, file: string, opts: { name?: string; environments?: string[] }, ids: { newId(): number }): WorkflowRecord {
    const record: WorkflowRecord = { id: ids.newId(), repoKey, file, name: opts.name ?? file.replace(/\.ya?ml$/, ''), environments: opts.environments ?? [] };
    this.workflows.set(`${repoKey}:${file}`, record);
    return record;
  }
}
