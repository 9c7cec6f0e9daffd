/**
 * Environments (with protection rules), deployments + statuses, workflow dispatch (which starts a
 * run, waiting for reviews when an environment of the workflow has required reviewers, else
 * finishing as `dispatchOutcome` says), and the pending deployments of a run with their reviews.
 */
import type { DeploymentRecord, DeploymentState, EnvironmentRecord } from '../deploymentsState';
import { nodeId, type ApiObject } from '../objects';
import type { FakeState, RepoRecord } from '../state';
import { repoKey } from '../state';
import type { RouteContext, RouteRequest, RouteTable } from './types';
import { HttpError, ok, paginate, repoOr404, str } from './types';

function environmentObject(ctx: RouteContext, r: RepoRecord, e: EnvironmentRecord, full = true): ApiObject {
  const base: ApiObject = {
    id: e.id,
    node_id: nodeId('Environment', e.id),
    name: e.name,
    url: `${ctx.baseUrl}/repos/${r.owner}/${r.name}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${ctx.objects.htmlBase}/${r.owner}/${r.name}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
  };
  if (!full) return base;
  const rules: ApiObject[] = [];
  if (e.waitTimerMinutes > 0) rules.push({ id: e.id + 1, node_id: nodeId('Gate', e.id + 1), type: 'wait_timer', wait_timer: e.waitTimerMinutes });
  if (e.reviewers.length > 0) {
    rules.push({
      id: e.id + 2,
      node_id: nodeId('Gate', e.id + 2),
      type: 'required_reviewers',
      prevent_self_review: e.preventSelfReview,
      reviewers: e.reviewers.map((login) => ({ type: 'User', reviewer: ctx.objects.userByLogin(login) })),
    });
  }
  return { ...base, created_at: e.createdAt, updated_at: e.createdAt, protection_rules: rules, deployment_branch_policy: null };
}

function deploymentObject(ctx: RouteContext, d: DeploymentRecord): ApiObject {
  const url = `${ctx.baseUrl}/repos/${d.owner}/${d.repo}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: ctx.objects.userByLogin(d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: `${ctx.baseUrl}/repos/${d.owner}/${d.repo}`,
    transient_environment: false,
    production_environment: d.productionEnvironment,
  };
}

function statusObject(ctx: RouteContext, d: DeploymentRecord, s: DeploymentRecord['statuses'][number]): ApiObject {
  const deploymentUrl = `${ctx.baseUrl}/repos/${d.owner}/${d.repo}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: ctx.objects.userByLogin(s.creator),
    description: s.description,
    environment: d.environment,
    target_url: s.logUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: `${ctx.baseUrl}/repos/${d.owner}/${d.repo}`,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

function deploymentOr404(req: RouteRequest, ctx: RouteContext): DeploymentRecord {
  const r = repoOr404(req, ctx);
  const d = ctx.state.deployments.deployments.get(Number(req.params.deployment_id));
  if (!d || d.repoKey !== repoKey(r.owner, r.name)) throw new HttpError(404, 'Not Found');
  return d;
}

/** Arrange / drive helpers for tests (through `state`). */
export function createDeployment(state: FakeState, r: RepoRecord, opts: { ref: string; environment: string; task?: string; description?: string; payload?: DeploymentRecord['payload']; creator?: string }): DeploymentRecord {
  const d: DeploymentRecord = {
    id: state.newId(),
    repoKey: repoKey(r.owner, r.name),
    owner: r.owner,
    repo: r.name,
    ref: opts.ref,
    sha: state.resolveRef(r, opts.ref),
    task: opts.task ?? 'deploy',
    environment: opts.environment,
    description: opts.description ?? '',
    payload: opts.payload ?? {},
    creator: opts.creator ?? state.currentLogin,
    createdAt: state.tick(),
    productionEnvironment: opts.environment === 'production',
    statuses: [],
  };
  state.deployments.deployments.set(d.id, d);
  return d;
}

export function addDeploymentStatus(state: FakeState, d: DeploymentRecord, s: { state: DeploymentState; description?: string; environmentUrl?: string; logUrl?: string; creator?: string }): void {
  d.statuses.push({
    id: state.newId(),
    state: s.state,
    description: s.description ?? '',
    environmentUrl: s.environmentUrl ?? '',
    logUrl: s.logUrl ?? '',
    creator: s.creator ?? state.currentLogin,
    createdAt: state.tick(),
  });
}

/** Finishes a dispatched run and the deployments it made (success → status success, else failure). */
export function finishRun(state: FakeState, runId: number, conclusion: 'success' | 'failure' | 'cancelled'): void {
  const run = state.updateWorkflowRun(runId, { status: 'completed', conclusion });
  for (const d of state.deployments.deployments.values()) {
    if (d.payload && typeof d.payload === 'object' && d.payload.run_id === run.id && d.statuses.at(-1)?.state !== (conclusion === 'success' ? 'success' : 'failure')) {
      addDeploymentStatus(state, d, { state: conclusion === 'success' ? 'success' : 'failure', logUrl: d.statuses.at(-1)?.logUrl });
    }
  }
}

function startDeploymentsOfRun(ctx: RouteContext, r: RepoRecord, runId: number, environments: string[], ref: string): DeploymentRecord[] {
  const run = ctx.state.actions.runs.get(runId)!;
  const logUrl = `${ctx.objects.htmlBase}/${r.owner}/${r.name}/actions/runs/${run.id}`;
  return environments.map((environment) => {
    const d = createDeployment(ctx.state, r, { ref, environment, payload: { run_id: run.id }, creator: run.actor, description: `${run.name} run ${run.runNumber}` });
    addDeploymentStatus(ctx.state, d, { state: 'in_progress', logUrl });
    return d;
  });
}

export const deploymentRoutes: RouteTable = {
  'repos/get-all-environments': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const envs = ctx.state.deployments.environmentsOf(repoKey(r.owner, r.name)).sort((a, b) => a.name.localeCompare(b.name));
    const reply = paginate(req, envs, (e) => environmentObject(ctx, r, e));
    return { ...reply, body: { total_count: envs.length, environments: reply.body } };
  },

  'repos/get-environment': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const e = ctx.state.deployments.environment(repoKey(r.owner, r.name), str(req.params.environment_name));
    if (!e) throw new HttpError(404, 'Not Found');
    return ok(environmentObject(ctx, r, e));
  },

  'repos/list-deployments': (req, ctx) => {
    const r = repoOr404(req, ctx);
    let list = ctx.state.deployments.deploymentsOf(repoKey(r.owner, r.name));
    if (req.query.environment !== undefined && req.query.environment !== null) list = list.filter((d) => d.environment === str(req.query.environment));
    if (req.query.ref !== undefined) list = list.filter((d) => d.ref === str(req.query.ref));
    if (req.query.sha !== undefined) list = list.filter((d) => d.sha === str(req.query.sha));
    if (req.query.task !== undefined) list = list.filter((d) => d.task === str(req.query.task));
    return paginate(req, list, (d) => deploymentObject(ctx, d));
  },

  'repos/get-deployment': (req, ctx) => ok(deploymentObject(ctx, deploymentOr404(req, ctx))),

  'repos/create-deployment': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const body = (req.body ?? {}) as { ref: string; task?: string; environment?: string; description?: string | null; payload?: DeploymentRecord['payload'] };
    const ref = body.ref.replace(/^refs\/(heads|tags)\//, '');
    if (!r.branches.has(ref) && !r.tags.has(ref) && !/^[0-9a-f]{7,40}$/.test(ref)) {
      throw new HttpError(422, `No ref found for: ${body.ref}`);
    }
    const d = createDeployment(ctx.state, r, { ref: body.ref, environment: body.environment ?? 'production', task: body.task, description: body.description ?? '', payload: body.payload ?? {} });
    const reply = ok(deploymentObject(ctx, d), 201);
    ctx.state.deployments.onDeploymentCreated?.(d);
    return reply;
  },

  'repos/list-deployment-statuses': (req, ctx) => {
    const d = deploymentOr404(req, ctx);
    return paginate(req, [...d.statuses].reverse(), (s) => statusObject(ctx, d, s));
  },

  'repos/create-deployment-status': (req, ctx) => {
    const d = deploymentOr404(req, ctx);
    const body = (req.body ?? {}) as { state: DeploymentState; description?: string; environment_url?: string; log_url?: string; target_url?: string };
    addDeploymentStatus(ctx.state, d, { state: body.state, description: body.description, environmentUrl: body.environment_url, logUrl: body.log_url ?? body.target_url });
    return ok(statusObject(ctx, d, d.statuses.at(-1)!), 201);
  },

  'actions/create-workflow-dispatch': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const key = repoKey(r.owner, r.name);
    const store = ctx.state.deployments;
    const wf = store.workflow(key, str(req.params.workflow_id));
    if (!wf) throw new HttpError(404, 'Not Found');
    if (store.failNextDispatch) {
      const { status, message } = store.failNextDispatch;
      store.failNextDispatch = null;
      throw new HttpError(status, message);
    }
    const body = (req.body ?? {}) as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
    const ref = body.ref.replace(/^refs\/(heads|tags)\//, '');
    if (!r.branches.has(ref) && !r.tags.has(ref)) throw new HttpError(422, `No ref found for: ${body.ref}`);
    const inputs = body.inputs ?? {};
    const environments = typeof inputs.environment === 'string' ? [inputs.environment] : wf.environments;
    const waiting = environments.filter((e) => (store.environment(key, e)?.reviewers.length ?? 0) > 0);
    const run = ctx.state.addWorkflowRun(r.owner, r.name, {
      name: wf.name,
      path: `.github/workflows/${wf.file}`,
      branch: ref,
      sha: ctx.state.resolveRef(r, ref),
      event: 'workflow_dispatch',
      status: waiting.length > 0 ? 'waiting' : 'in_progress',
      displayTitle: `${wf.name} ${Object.entries(inputs).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`.trim(),
    });
    store.dispatches.push({ repoKey: key, workflow: wf.file, ref, inputs, runId: run.id, actor: ctx.state.currentLogin });
    if (waiting.length > 0) store.pending.set(run.id, waiting);
    else {
      startDeploymentsOfRun(ctx, r, run.id, environments, ref);
      if (store.dispatchOutcome !== 'manual') finishRun(ctx.state, run.id, store.dispatchOutcome);
    }
    if (body.return_run_details && !store.dispatchWithoutRunDetails) {
      return ok({ workflow_run_id: run.id, run_url: `${ctx.baseUrl}/repos/${r.owner}/${r.name}/actions/runs/${run.id}`, html_url: `${ctx.objects.htmlBase}/${r.owner}/${r.name}/actions/runs/${run.id}` });
    }
    return { status: 204 };
  },

  'actions/get-pending-deployments-for-run': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const key = repoKey(r.owner, r.name);
    const run = ctx.state.actions.runs.get(Number(req.params.run_id));
    if (!run || run.repoKey !== key) throw new HttpError(404, 'Not Found');
    const names = ctx.state.deployments.pending.get(run.id) ?? [];
    const me = ctx.state.currentLogin.toLowerCase();
    return ok(
      names.map((name) => {
        const e = ctx.state.deployments.environment(key, name)!;
        return {
          environment: environmentObject(ctx, r, e, false),
          wait_timer: e.waitTimerMinutes,
          wait_timer_started_at: run.createdAt,
          current_user_can_approve: e.reviewers.some((l) => l.toLowerCase() === me),
          reviewers: e.reviewers.map((login) => ({ type: 'User', reviewer: ctx.objects.userByLogin(login) })),
        };
      }),
    );
  },

  'actions/review-pending-deployments-for-run': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const key = repoKey(r.owner, r.name);
    const store = ctx.state.deployments;
    const run = ctx.state.actions.runs.get(Number(req.params.run_id));
    if (!run || run.repoKey !== key) throw new HttpError(404, 'Not Found');
    const body = req.body as { environment_ids: number[]; state: 'approved' | 'rejected'; comment: string };
    const waiting = store.pending.get(run.id) ?? [];
    const me = ctx.state.currentLogin;
    const chosen = body.environment_ids.map((id) => {
      const e = store.environmentsOf(key).find((x) => x.id === id);
      if (!e || !waiting.includes(e.name)) throw new HttpError(422, `Environment ${id} is not waiting for a review in run ${run.id}`);
      if (!e.reviewers.some((l) => l.toLowerCase() === me.toLowerCase())) throw new HttpError(422, `${me} is not a required reviewer for the environment ${e.name}`);
      return e;
    });
    store.reviews.push({ runId: run.id, environmentIds: body.environment_ids, state: body.state, comment: body.comment, user: me });
    const left = waiting.filter((n) => !chosen.some((e) => e.name === n));
    if (left.length > 0) store.pending.set(run.id, left);
    else store.pending.delete(run.id);
    if (body.state === 'rejected') {
      store.pending.delete(run.id);
      ctx.state.updateWorkflowRun(run.id, { status: 'completed', conclusion: 'failure' });
      return ok([]);
    }
    const started = startDeploymentsOfRun(ctx, r, run.id, chosen.map((e) => e.name), run.headBranch);
    if (left.length === 0) {
      ctx.state.updateWorkflowRun(run.id, { status: 'in_progress' });
      if (store.dispatchOutcome !== 'manual') finishRun(ctx.state, run.id, store.dispatchOutcome);
    }
    return ok(started.map((d) => deploymentObject(ctx, d)));
  },
};
