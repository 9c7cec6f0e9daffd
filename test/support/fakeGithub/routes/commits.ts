/** Commit statuses (combined) and check runs for a ref. */
import type { RouteTable } from './types';
import { ok, pageParams, repoOr404, str } from './types';

export const commitRoutes: RouteTable = {
  'repos/get-combined-status-for-ref': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const sha = ctx.state.resolveRef(r, str(req.params.ref));
    return ok(ctx.objects.combinedStatus(r, sha, pageParams(req.query)));
  },

  'checks/list-for-ref': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const sha = ctx.state.resolveRef(r, str(req.params.ref));
    let runs = [...(r.checkRuns.get(sha) ?? [])];
    if (req.query.check_name !== undefined) runs = runs.filter((c) => c.name === str(req.query.check_name));
    if (req.query.status !== undefined) runs = runs.filter((c) => c.status === str(req.query.status));
    if (str(req.query.filter ?? 'latest') === 'latest') {
      // the most recent run of each name
      const latest = new Map<string, (typeof runs)[number]>();
      for (const c of runs) latest.set(c.name, c);
      runs = [...latest.values()];
    }
    runs.sort((a, b) => b.id - a.id);
    const { page, perPage } = pageParams(req.query);
    const start = (page - 1) * perPage;
    return {
      status: 200,
      body: { total_count: runs.length, check_runs: runs.slice(start, start + perPage).map((c) => ctx.objects.checkRun(r, c)) },
      pagination: { page, perPage, total: runs.length },
    };
  },
};
