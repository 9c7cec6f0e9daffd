/** GET /user, GET /rate_limit. */
import type { RouteTable } from './types';
import { HttpError, ok } from './types';

export const userRoutes: RouteTable = {
  'users/get-authenticated': (req, ctx) => {
    if (req.token === null) throw new HttpError(401, 'Requires authentication');
    return ok(ctx.objects.privateUser(ctx.state.currentUser()));
  },

  'rate-limit/get': (_req, ctx) => {
    const core = ctx.rateLimit();
    const other = (limit: number) => ({ limit, remaining: limit, used: 0, reset: core.reset });
    return ok({
      resources: {
        core,
        search: other(30),
        graphql: other(5000),
        integration_manifest: other(5000),
        source_import: other(100),
        code_scanning_upload: other(1000),
        actions_runner_registration: other(10000),
        scim: other(15000),
        dependency_snapshots: other(100),
        code_search: other(10),
      },
      rate: core,
    });
  },
};
