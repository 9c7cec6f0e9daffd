/**
 * A stand-in for GitHub's REST API for integration, extension and UI tests: a stateful HTTP server
 * on 127.0.0.1 whose every request and response is validated against GitHub's OpenAPI description.
 *
 *   const gh = await startFakeGitHub({ tokens: ['t1'] });
 *   gh.state.addRepo({ owner: 'octo', repo: 'app' });
 *   new Octokit({ baseUrl: gh.url, auth: 't1' });
 */
export { startFakeGitHub } from './server';
export type { Fault, FaultResponse, FakeGitHub, FakeGitHubOptions, RequestLogEntry, Violation } from './server';
export { useFakeGitHub, assertNoViolations, formatViolations } from './mocha';
export { FakeState, fakeSha } from './state';
export type {
  AddPullOptions,
  AddRepoOptions,
  CheckRunOptions,
  CommitStatusOptions,
  PullRecord,
  RepoRecord,
  UserRecord,
} from './state';
export { Objects } from './objects';
export { fakeReleases } from './releasesState';
export type { AssetRecord, FakeReleases, ReleaseRecord } from './releasesState';
export { loadSpec } from './spec';
export { routes, HttpError } from './routes';
export type { Reply, RouteContext, RouteHandler, RouteRequest, RouteTable } from './routes';
