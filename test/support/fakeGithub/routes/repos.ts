/** GET /repos/{owner}/{repo}, branches, tags. */
import type { RouteTable } from './types';
import { ok, paginate, repoOr404 } from './types';

export const repoRoutes: RouteTable = {
  'repos/get': (req, ctx) => ok(ctx.objects.repository(repoOr404(req, ctx), { full: true })),

  'repos/list-branches': (req, ctx) => {
    const r = repoOr404(req, ctx);
    let branches = [...r.branches.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (typeof req.query.protected === 'boolean') branches = branches.filter((b) => b.protected === req.query.protected);
    return paginate(req, branches, (b) => ctx.objects.shortBranch(r, b));
  },

  'repos/list-tags': (req, ctx) => {
    const r = repoOr404(req, ctx);
    // GitHub lists tags newest first (reverse lexicographic is close enough for v1.2.3 tags).
    const tags = [...r.tags.values()].reverse();
    return paginate(req, tags, (t) => ctx.objects.tag(r, t));
  },
};
