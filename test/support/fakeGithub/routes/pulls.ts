/** Pull requests: list (state, head, base, sort, direction, paging) and get. */
import type { PullRecord } from '../state';
import type { RouteTable } from './types';
import { HttpError, ok, paginate, repoOr404, str } from './types';

function sortKey(p: PullRecord, sort: string): number {
  switch (sort) {
    case 'updated':
      return Date.parse(p.updatedAt);
    case 'popularity':
      return 0; // no comments in the fake: stable order
    case 'long-running':
      return Date.parse(p.createdAt);
    default:
      return Date.parse(p.createdAt);
  }
}

export const pullRoutes: RouteTable = {
  'pulls/list': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const state = str(req.query.state ?? 'open');
    const sort = str(req.query.sort ?? 'created');
    const direction = str(req.query.direction ?? (sort === 'created' ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
    let pulls = [...r.pulls.values()];
    if (state !== 'all') pulls = pulls.filter((p) => p.state === state);
    if (req.query.head !== undefined) {
      // `user:ref-name` (or a bare ref-name)
      const head = str(req.query.head);
      const [user, ref] = head.includes(':') ? head.split(/:(.*)/s, 2) : [r.owner, head];
      pulls = pulls.filter((p) => p.head.ref === ref && r.owner.toLowerCase() === (user ?? '').toLowerCase());
    }
    if (req.query.base !== undefined) pulls = pulls.filter((p) => p.base.ref === str(req.query.base));
    pulls.sort((a, b) => (sortKey(a, sort) - sortKey(b, sort)) * direction || (a.number - b.number) * direction);
    return paginate(req, pulls, (p) => ctx.objects.pullRequestSimple(r, p));
  },

  'pulls/get': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const p = r.pulls.get(Number(req.params.pull_number));
    if (!p) throw new HttpError(404, 'Not Found');
    return ok(ctx.objects.pullRequest(r, p));
  },
};
