/**
 * Every implemented operation, by operationId. Add a resource group as `routes/<group>.ts`
 * exporting a `RouteTable` and spread it in here; operations of the description that are not in
 * this table answer 501.
 */
import { actionsRoutes } from './actions';
import { commitRoutes } from './commits';
import { deploymentRoutes } from './deployments';
import { pullRoutes } from './pulls';
import { releaseRoutes } from './releases';
import { repoRoutes } from './repos';
import type { RouteTable } from './types';
import { userRoutes } from './users';

export const routes: RouteTable = {
  ...userRoutes,
  ...repoRoutes,
  ...pullRoutes,
  ...commitRoutes,
  ...releaseRoutes,
  ...actionsRoutes,
  ...deploymentRoutes,
};

export * from './types';
