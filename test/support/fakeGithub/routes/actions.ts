/**
 * GitHub Actions: workflow runs of a repository, their jobs (with steps), job logs and artifacts
 * (both answered with a 302 to a signed download URL the server serves), re-run and cancel.
 */
import { nodeId, type ApiObject } from '../objects';
import type { JobRecord, WorkflowRunRecord, ArtifactRecord } from '../actionsState';
import type { RepoRecord } from '../state';
import { repoKey } from '../state';
import type { RouteContext, RouteRequest, RouteTable } from './types';
import { HttpError, ok, pageParams, repoOr404, str } from './types';

function runOr404(req: RouteRequest, ctx: RouteContext): { r: RepoRecord; run: WorkflowRunRecord } {
  const r = repoOr404(req, ctx);
  const run = ctx.state.actions.runs.get(Number(req.params.run_id));
  if (!run || run.repoKey !== repoKey(r.owner, r.name)) throw new HttpError(404, 'Not Found');
  return { r, run };
}

function runUrl(ctx: RouteContext, run: WorkflowRunRecord): string {
  return `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`;
}

function workflowRun(ctx: RouteContext, r: RepoRecord, run: WorkflowRunRecord): ApiObject {
  const u = runUrl(ctx, run);
  const repository = ctx.objects.repository(r);
  const actor = ctx.objects.userByLogin(run.actor);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId('CheckSuite', run.id + 1),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: u,
    html_url: `${ctx.objects.htmlBase}/${run.owner}/${run.repo}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    triggering_actor: actor,
    run_started_at: run.runStartedAt,
    jobs_url: `${u}/jobs`,
    logs_url: `${u}/logs`,
    check_suite_url: `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/check-suites/${run.id + 1}`,
    artifacts_url: `${u}/artifacts`,
    cancel_url: `${u}/cancel`,
    rerun_url: `${u}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${u}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha.split('').reverse().join(''),
      message: run.displayTitle,
      timestamp: run.createdAt,
      author: { name: 'Octo Cat', email: 'octo@example.com' },
      committer: { name: 'Octo Cat', email: 'octo@example.com' },
    },
    repository,
    head_repository: repository,
  };
}

function job(ctx: RouteContext, run: WorkflowRunRecord, j: JobRecord): ApiObject {
  const runner = j.status === 'queued' ? null : 'GitHub Actions 2';
  return {
    id: j.id,
    run_id: run.id,
    run_url: runUrl(ctx, run),
    run_attempt: j.runAttempt,
    node_id: nodeId('CheckRun', j.id),
    head_sha: run.headSha,
    url: `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/actions/jobs/${j.id}`,
    html_url: `${ctx.objects.htmlBase}/${run.owner}/${run.repo}/actions/runs/${run.id}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.createdAt,
    started_at: j.startedAt,
    completed_at: j.completedAt,
    name: j.name,
    steps: j.steps.map((s) => ({ name: s.name, status: s.status, conclusion: s.conclusion, number: s.number, started_at: s.startedAt, completed_at: s.completedAt })),
    check_run_url: `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/check-runs/${j.id}`,
    labels: ['ubuntu-latest'],
    runner_id: runner ? 2 : null,
    runner_name: runner,
    runner_group_id: runner ? 0 : null,
    runner_group_name: runner ? 'GitHub Actions' : null,
    workflow_name: run.name,
    head_branch: run.headBranch,
  };
}

function artifact(ctx: RouteContext, run: WorkflowRunRecord, a: ArtifactRecord): ApiObject {
  const u = `${ctx.baseUrl}/repos/${run.owner}/${run.repo}/actions/artifacts/${a.id}`;
  const expires = new Date(Date.parse(a.createdAt) + 90 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: a.id,
    node_id: nodeId('Artifact', a.id),
    name: a.name,
    size_in_bytes: a.zip.length,
    url: u,
    archive_download_url: `${u}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    expires_at: expires,
    updated_at: a.createdAt,
    workflow_run: { id: run.id, repository_id: 1, head_repository_id: 1, head_branch: run.headBranch, head_sha: run.headSha },
  };
}

/** The jobs of the run's latest attempt, re-queued (all, or the failed / cancelled ones). */
function rerun(ctx: RouteContext, run: WorkflowRunRecord, onlyFailed: boolean): void {
  const now = ctx.state.tick();
  run.runAttempt++;
  run.status = 'queued';
  run.conclusion = null;
  run.runStartedAt = now;
  run.updatedAt = now;
  for (const j of run.jobs) {
    j.runAttempt = run.runAttempt;
    if (onlyFailed && j.conclusion !== 'failure' && j.conclusion !== 'cancelled' && j.conclusion !== 'timed_out') continue;
    j.status = 'queued';
    j.conclusion = null;
    j.startedAt = now;
    j.completedAt = null;
    for (const s of j.steps) Object.assign(s, { status: 'queued', conclusion: null, startedAt: null, completedAt: null });
  }
}

export const actionsRoutes: RouteTable = {
  'actions/list-workflow-runs-for-repo': (req, ctx) => {
    const r = repoOr404(req, ctx);
    let runs = ctx.state.actions.runsOf(repoKey(r.owner, r.name));
    if (req.query.branch !== undefined) runs = runs.filter((x) => x.headBranch === str(req.query.branch));
    if (req.query.event !== undefined) runs = runs.filter((x) => x.event === str(req.query.event));
    if (req.query.head_sha !== undefined) runs = runs.filter((x) => x.headSha === str(req.query.head_sha));
    if (req.query.status !== undefined) {
      const s = str(req.query.status);
      runs = runs.filter((x) => x.status === s || x.conclusion === s);
    }
    runs.sort((a, b) => b.id - a.id);
    const { page, perPage } = pageParams(req.query);
    const start = (page - 1) * perPage;
    return {
      status: 200,
      body: { total_count: runs.length, workflow_runs: runs.slice(start, start + perPage).map((x) => workflowRun(ctx, r, x)) },
      pagination: { page, perPage, total: runs.length },
    };
  },

  'actions/get-workflow-run': (req, ctx) => {
    const { r, run } = runOr404(req, ctx);
    return ok(workflowRun(ctx, r, run));
  },

  'actions/list-jobs-for-workflow-run': (req, ctx) => {
    const { run } = runOr404(req, ctx);
    // filter=latest (default): the jobs of the latest attempt — every job record is kept at it here.
    const jobs = [...run.jobs];
    const { page, perPage } = pageParams(req.query);
    const start = (page - 1) * perPage;
    return {
      status: 200,
      body: { total_count: jobs.length, jobs: jobs.slice(start, start + perPage).map((j) => job(ctx, run, j)) },
      pagination: { page, perPage, total: jobs.length },
    };
  },

  'actions/download-job-logs-for-workflow-run': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const found = ctx.state.actions.findJob(Number(req.params.job_id));
    if (!found || found.run.repoKey !== repoKey(r.owner, r.name)) throw new HttpError(404, 'Not Found');
    const path = ctx.state.actions.sign({ contentType: 'text/plain; charset=utf-8', body: Buffer.from(found.job.log, 'utf8') });
    return { status: 302, headers: { location: `${ctx.baseUrl}${path}` } };
  },

  'actions/list-workflow-run-artifacts': (req, ctx) => {
    const { run } = runOr404(req, ctx);
    let list = [...run.artifacts];
    if (req.query.name !== undefined) list = list.filter((a) => a.name === str(req.query.name));
    const { page, perPage } = pageParams(req.query);
    const start = (page - 1) * perPage;
    return {
      status: 200,
      body: { total_count: list.length, artifacts: list.slice(start, start + perPage).map((a) => artifact(ctx, run, a)) },
      pagination: { page, perPage, total: list.length },
    };
  },

  'actions/download-artifact': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const found = ctx.state.actions.findArtifact(Number(req.params.artifact_id));
    if (!found || found.run.repoKey !== repoKey(r.owner, r.name) || str(req.params.archive_format) !== 'zip') throw new HttpError(404, 'Not Found');
    if (found.artifact.expired) throw new HttpError(410, 'Artifact has expired');
    const path = ctx.state.actions.sign({ contentType: 'application/zip', body: found.artifact.zip });
    return { status: 302, headers: { location: `${ctx.baseUrl}${path}` } };
  },

  'actions/re-run-workflow': (req, ctx) => {
    const { run } = runOr404(req, ctx);
    if (run.status !== 'completed') throw new HttpError(403, 'This workflow is already running');
    rerun(ctx, run, false);
    return ok({}, 201);
  },

  'actions/re-run-workflow-failed-jobs': (req, ctx) => {
    const { run } = runOr404(req, ctx);
    if (run.status !== 'completed') throw new HttpError(403, 'This workflow is already running');
    rerun(ctx, run, true);
    return ok({}, 201);
  },

  'actions/cancel-workflow-run': (req, ctx) => {
    const { run } = runOr404(req, ctx);
    if (run.status === 'completed') throw new HttpError(409, 'Cannot cancel a workflow run that is completed.');
    const now = ctx.state.tick();
    run.status = 'completed';
    run.conclusion = 'cancelled';
    run.updatedAt = now;
    for (const j of run.jobs) {
      if (j.status === 'completed') continue;
      j.status = 'completed';
      j.conclusion = 'cancelled';
      j.completedAt = now;
    }
    return ok({}, 202);
  },
};
