/**
 * The in-memory world of the fake GitHub. Tests arrange it through the small typed API below;
 * route handlers read (and later mutate) it and turn records into API objects with `objects.ts`.
 * New resource groups add their record types and maps here.
 */
import { createHash } from 'node:crypto';
import { DeploymentsStore } from './deploymentsState';
import { ActionsStore, type AddJobOptions, type AddWorkflowRunOptions, type ArtifactRecord, type JobRecord, type WorkflowRunRecord } from './actionsState';

export type CommitState = 'error' | 'failure' | 'pending' | 'success';
export type CheckStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale';

export interface UserRecord {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  type: 'User' | 'Organization' | 'Bot';
  createdAt: string;
}

export interface BranchRecord {
  name: string;
  sha: string;
  protected: boolean;
}

export interface TagRecord {
  name: string;
  sha: string;
}

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  user: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface StatusRecord {
  id: number;
  state: CommitState;
  context: string;
  targetUrl: string | null;
  description: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  outputTitle: string | null;
  outputSummary: string | null;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  branches: Map<string, BranchRecord>;
  tags: Map<string, TagRecord>;
  pulls: Map<number, PullRecord>;
  nextNumber: number;
  statuses: Map<string, StatusRecord[]>;
  checkRuns: Map<string, CheckRunRecord[]>;
}

export interface AddRepoOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  private?: boolean;
  description?: string;
  /** SHA of the default branch head (a deterministic fake SHA otherwise). */
  headSha?: string;
  ownerType?: 'User' | 'Organization';
}

export interface AddPullOptions {
  number?: number;
  title: string;
  body?: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha?: string };
  draft?: boolean;
  user?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  /** ISO timestamps; default now (each pull a second after the previous so sorting is stable). */
  createdAt?: string;
  updatedAt?: string;
}

export interface CommitStatusOptions {
  state: CommitState;
  context?: string;
  target_url?: string | null;
  description?: string | null;
}

export interface CheckRunOptions {
  name: string;
  status: CheckStatus;
  conclusion?: CheckConclusion | null;
  details_url?: string;
  external_id?: string;
  output?: { title?: string; summary?: string };
}

/** Corrupts the next successful response body (test-only); `true` drops a required field. */
export type CorruptFn = (body: unknown) => unknown;

export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export class FakeState {
  readonly users = new Map<string, UserRecord>();
  readonly repos = new Map<string, RepoRecord>();
  /** Login of the user GET /user answers with. */
  currentLogin = 'octocat';
  /** Set to make the next route response break the description (to test response validation). */
  debugCorruptNext: boolean | CorruptFn = false;
  private nextId = 1000;
  private clock = Date.parse('2024-01-01T00:00:00Z');
  /** GitHub Actions: workflow runs, jobs, logs, artifacts (actionsState.ts). */
  readonly actions = new ActionsStore();
  /** Environments, deployments + statuses, dispatchable workflows, pending reviews (deploymentsState.ts). */
  readonly deployments = new DeploymentsStore();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.repos.clear();
    this.actions.reset();
    this.deployments.reset();
    this.debugCorruptNext = false;
    this.nextId = 1000;
    this.clock = Date.parse('2024-01-01T00:00:00Z');
    this.currentLogin = 'octocat';
    this.ensureUser('octocat', { name: 'The Octocat' });
  }

  newId(): number {
    return this.nextId++;
  }

  /** A monotonically increasing ISO timestamp (seconds precision, like GitHub). */
  tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  ensureUser(login: string, opts: { name?: string | null; type?: UserRecord['type']; email?: string | null } = {}): UserRecord {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = {
        id: this.newId(),
        login,
        name: opts.name ?? null,
        email: opts.email ?? null,
        type: opts.type ?? 'User',
        createdAt: this.tick(),
      };
      this.users.set(key, user);
    } else {
      if (opts.name !== undefined) user.name = opts.name;
      if (opts.email !== undefined) user.email = opts.email;
      if (opts.type !== undefined) user.type = opts.type;
    }
    return user;
  }

  /** The authenticated user (GET /user). */
  setUser(user: { login: string; name?: string | null; email?: string | null }): UserRecord {
    const record = this.ensureUser(user.login, { name: user.name ?? null, email: user.email });
    this.currentLogin = record.login;
    return record;
  }

  currentUser(): UserRecord {
    return this.ensureUser(this.currentLogin);
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  addRepo(opts: AddRepoOptions): RepoRecord {
    this.ensureUser(opts.owner, { type: opts.ownerType });
    const now = this.tick();
    const defaultBranch = opts.defaultBranch ?? 'main';
    const record: RepoRecord = {
      id: this.newId(),
      owner: this.ensureUser(opts.owner).login,
      name: opts.repo,
      description: opts.description ?? null,
      private: opts.private ?? false,
      defaultBranch,
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      branches: new Map(),
      tags: new Map(),
      pulls: new Map(),
      nextNumber: 1,
      statuses: new Map(),
      checkRuns: new Map(),
    };
    record.branches.set(defaultBranch, {
      name: defaultBranch,
      sha: opts.headSha ?? fakeSha(`${opts.owner}/${opts.repo}@${defaultBranch}`),
      protected: false,
    });
    this.repos.set(repoKey(opts.owner, opts.repo), record);
    return record;
  }

  repo(owner: string, repo: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, repo));
  }

  private mustRepo(owner: string, repo: string): RepoRecord {
    const r = this.repo(owner, repo);
    if (!r) throw new Error(`fake GitHub: no repository ${owner}/${repo} (call state.addRepo first)`);
    return r;
  }

  addBranch(owner: string, repo: string, branch: { name: string; sha: string; protected?: boolean }): BranchRecord {
    const record = { name: branch.name, sha: branch.sha, protected: branch.protected ?? false };
    this.mustRepo(owner, repo).branches.set(branch.name, record);
    return record;
  }

  addTag(owner: string, repo: string, tag: { name: string; sha: string }): TagRecord {
    const record = { name: tag.name, sha: tag.sha };
    this.mustRepo(owner, repo).tags.set(tag.name, record);
    return record;
  }

  addPull(owner: string, repo: string, opts: AddPullOptions): PullRecord {
    const r = this.mustRepo(owner, repo);
    const number = opts.number ?? r.nextNumber;
    r.nextNumber = Math.max(r.nextNumber, number + 1);
    const createdAt = opts.createdAt ?? this.tick();
    const state = opts.state ?? 'open';
    const merged = opts.merged ?? false;
    const login = opts.user ?? this.currentLogin;
    this.ensureUser(login);
    const pull: PullRecord = {
      id: this.newId(),
      number,
      title: opts.title,
      body: opts.body ?? null,
      state,
      draft: opts.draft ?? false,
      merged,
      user: login,
      head: { ref: opts.head.ref, sha: opts.head.sha },
      base: { ref: opts.base.ref, sha: opts.base.sha ?? r.branches.get(opts.base.ref)?.sha ?? fakeSha(`${repo}@${opts.base.ref}`) },
      createdAt,
      updatedAt: opts.updatedAt ?? createdAt,
      closedAt: state === 'closed' ? createdAt : null,
      mergedAt: merged ? createdAt : null,
    };
    r.pulls.set(number, pull);
    return pull;
  }

  /** Adds a commit status; the combined status keeps the latest per context, like GitHub. */
  setCommitStatus(owner: string, repo: string, sha: string, opts: CommitStatusOptions): StatusRecord {
    const r = this.mustRepo(owner, repo);
    const now = this.tick();
    const record: StatusRecord = {
      id: this.newId(),
      state: opts.state,
      context: opts.context ?? 'default',
      targetUrl: opts.target_url ?? null,
      description: opts.description ?? null,
      creator: this.currentLogin,
      createdAt: now,
      updatedAt: now,
    };
    const list = r.statuses.get(sha) ?? [];
    list.push(record);
    r.statuses.set(sha, list);
    return record;
  }

  addCheckRun(owner: string, repo: string, sha: string, opts: CheckRunOptions): CheckRunRecord {
    const r = this.mustRepo(owner, repo);
    const now = this.tick();
    const completed = opts.status === 'completed';
    const record: CheckRunRecord = {
      id: this.newId(),
      name: opts.name,
      headSha: sha,
      status: opts.status,
      conclusion: completed ? (opts.conclusion ?? 'success') : (opts.conclusion ?? null),
      detailsUrl: opts.details_url ?? null,
      externalId: opts.external_id ?? null,
      startedAt: opts.status === 'queued' ? null : now,
      completedAt: completed ? now : null,
      outputTitle: opts.output?.title ?? null,
      outputSummary: opts.output?.summary ?? null,
    };
    const list = r.checkRuns.get(sha) ?? [];
    list.push(record);
    r.checkRuns.set(sha, list);
    return record;
  }

  /** Resolves a ref the way the commits endpoints do: branch, then tag, else taken as a SHA. */
  resolveRef(r: RepoRecord, ref: string): string {
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    return r.branches.get(name)?.sha ?? r.tags.get(name)?.sha ?? ref;
  }

  // ── GitHub Actions (records in actionsState.ts) ──

  /** A workflow run of a branch head (completed with success unless `status` says otherwise). */
  addWorkflowRun(owner: string, repo: string, opts: AddWorkflowRunOptions): WorkflowRunRecord {
    const r = this.mustRepo(owner, repo);
    return this.actions.addRun(r.owner, r.name, repoKey(owner, repo), opts, { newId: () => this.newId(), tick: () => this.tick(), login: this.currentLogin });
  }

  /** Changes a run (e.g. finishes it); `updated_at` moves on. */
  updateWorkflowRun(runId: number, change: Partial<Pick<WorkflowRunRecord, 'status' | 'conclusion'>>): WorkflowRunRecord {
    const run = this.mustRun(runId);
    Object.assign(run, change);
    if (run.status === 'completed' && run.conclusion === null) run.conclusion = 'success';
    if (run.status !== 'completed') run.conclusion = null;
    run.updatedAt = this.tick();
    return run;
  }

  addJob(runId: number, opts: AddJobOptions): JobRecord {
    return this.actions.addJob(this.mustRun(runId), opts, { newId: () => this.newId(), tick: () => this.tick() });
  }

  setJobLog(jobId: number, log: string): void {
    const found = this.actions.findJob(jobId);
    if (!found) throw new Error(`fake GitHub: no job ${jobId}`);
    found.job.log = log;
  }

  /** An artifact of a run: a zip of `entries` (file name → content). */
  addArtifact(runId: number, name: string, entries: Record<string, string | Uint8Array>, opts: { expired?: boolean } = {}): ArtifactRecord {
    return this.actions.addArtifact(this.mustRun(runId), name, entries, { newId: () => this.newId(), tick: () => this.tick() }, opts);
  }

  private mustRun(runId: number): WorkflowRunRecord {
    const run = this.actions.runs.get(runId);
    if (!run) throw new Error(`fake GitHub: no workflow run ${runId} (call state.addWorkflowRun first)`);
    return run;
  }
}
