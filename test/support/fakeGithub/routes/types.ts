/**
 * What a route handler sees and returns. One file per resource group exports a `RouteTable`
 * keyed by the description's operationId (e.g. `pulls/list`); `routes/index.ts` merges them.
 */
import type { Objects } from '../objects';
import type { FakeState, RepoRecord } from '../state';

export interface RouteRequest {
  operationId: string;
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  /** Path parameters, decoded and coerced to the types of the description. */
  params: Record<string, unknown>;
  /** Query parameters, coerced to the types of the description. */
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw string/Buffer when it is not JSON). */
  body: unknown;
  /** The token the request authenticated with (null when none). */
  token: string | null;
}

export interface RouteContext {
  state: FakeState;
  objects: Objects;
  /** Base URL of this server, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  /** The server's rate-limit counters as they are now (GET /rate_limit). */
  rateLimit(): RateLimitSnapshot;
}

export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export interface Pagination {
  page: number;
  perPage: number;
  total: number;
}

export interface Reply {
  status: number;
  /** JSON body; undefined for an empty body (204). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by `paginate`: the server turns it into a `Link` header with absolute URLs. */
  pagination?: Pagination;
}

export type RouteHandler = (req: RouteRequest, ctx: RouteContext) => Reply | Promise<Reply>;
export type RouteTable = Record<string, RouteHandler>;

/** Thrown by handlers for GitHub-style error answers (`{ message, documentation_url }`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/** per_page (default 30, at most 100) and page (default 1) from the query. */
export function pageParams(query: Record<string, unknown>): { page: number; perPage: number } {
  const rawPer = Number(query.per_page ?? 30);
  const rawPage = Number(query.page ?? 1);
  const perPage = Math.min(100, Math.max(1, Number.isFinite(rawPer) ? Math.floor(rawPer) : 30));
  const page = Math.max(1, Number.isFinite(rawPage) ? Math.floor(rawPage) : 1);
  return { page, perPage };
}

/** One page of `items` as a reply with pagination info (→ `Link` header). */
export function paginate<T>(req: RouteRequest, items: readonly T[], toJson: (item: T) => unknown): Reply {
  const { page, perPage } = pageParams(req.query);
  const start = (page - 1) * perPage;
  return { status: 200, body: items.slice(start, start + perPage).map(toJson), pagination: { page, perPage, total: items.length } };
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}

/** The repository of `{owner}/{repo}` or a 404 like GitHub's. */
export function repoOr404(req: RouteRequest, ctx: RouteContext): RepoRecord {
  const r = ctx.state.repo(str(req.params.owner), str(req.params.repo));
  if (!r) throw new HttpError(404, 'Not Found');
  return r;
}
