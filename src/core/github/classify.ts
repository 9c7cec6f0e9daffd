/**
 * Turns whatever a GitHub request threw into a `GitHubError`, by HTTP status and headers only
 * (never by matching GitHub's message text). Messages are for people and say what to do next.
 * No octokit import: this works on anything shaped like octokit's `RequestError`.
 */
import { redact } from '../log';
import { GitHubError } from './github';

/** What `classifyGitHubError` reads from an error (octokit's RequestError has this shape). */
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  cause?: unknown;
  timeoutMs?: unknown;
  request?: { method?: unknown; url?: unknown };
  response?: { status?: unknown; headers?: Record<string, unknown>; data?: unknown };
}

export interface ClassifyContext {
  /** False when the request carried no token: a 401 then means "not signed in". */
  authenticated?: boolean;
  /** Secrets to remove from any text copied from the response. */
  secrets?: readonly string[];
}

const SIGN_IN = "Sign in again with 'SDLC: Sign in to GitHub'.";

export function classifyGitHubError(e: unknown, context: ClassifyContext = {}): GitHubError {
  if (e instanceof GitHubError) return e;
  const err: ErrorLike = typeof e === 'object' && e !== null ? (e as ErrorLike) : {};
  const secrets = context.secrets ?? [];

  if (e instanceof SyntaxError) return new GitHubError('MalformedResponse', 'GitHub sent a response that is not valid JSON; try again later.', { cause: e });

  const response = err.response;
  // octokit wraps network failures as a RequestError with status 500 and no response; a real 5xx has one.
  if (!response) {
    if (isTimeout(e)) {
      const seconds = typeof err.timeoutMs === 'number' ? ` within ${formatSeconds(err.timeoutMs)}` : '';
      return new GitHubError('Timeout', `GitHub did not answer${seconds}${where(err)}. Check the network and try again.`, { cause: e });
    }
    const status = typeof err.status === 'number' ? err.status : undefined;
    if (status === undefined || (err.name === 'HttpError' && status === 500)) {
      const reason = networkReason(e);
      return new GitHubError('Network', redact(`Could not reach GitHub${where(err)}${reason ? `: ${reason}` : ''}.`, secrets), { cause: e });
    }
  }

  const status = typeof err.status === 'number' ? err.status : typeof response?.status === 'number' ? response.status : 0;
  const headers = normalizeHeaders(response?.headers);
  const requestId = headers['x-github-request-id'];
  const base = { status, requestId, cause: e };
  const retryAfter = headers['retry-after'] !== undefined ? Number(headers['retry-after']) : undefined;

  if (status === 401) {
    const message = context.authenticated === false ? "GitHub needs a signed-in user for this (401). Sign in with 'SDLC: Sign in to GitHub'." : `GitHub rejected the token (401). ${SIGN_IN}`;
    return new GitHubError('Unauthorized', message, base);
  }
  if ((status === 403 || status === 429) && headers['x-ratelimit-remaining'] === '0') {
    const resetAt = epochSeconds(headers['x-ratelimit-reset']);
    const when = resetAt ? `; it resets at ${formatClock(resetAt)}` : '';
    return new GitHubError('RateLimited', `GitHub API rate limit reached${when}.`, { ...base, resetAt });
  }
  if ((status === 403 && retryAfter !== undefined) || status === 429) {
    const retryAfterSeconds = retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 60;
    return new GitHubError('SecondaryRateLimit', `GitHub asked to slow down (secondary rate limit); try again in ${formatSeconds(retryAfterSeconds * 1000)}.`, { ...base, retryAfterSeconds });
  }
  if (status === 403) {
    return new GitHubError('Forbidden', `GitHub refused access${where(err)} (403). The token may lack a scope (repo, workflow) or access to this repository.`, base);
  }
  if (status === 404) return new GitHubError('NotFound', `Not found on GitHub${where(err)} (404): it does not exist or the token cannot see it.`, base);
  if (status === 409) return new GitHubError('Conflict', redact(`GitHub reported a conflict${where(err)} (409)${detail(response?.data)}.`, secrets), base);
  if (status === 422) return new GitHubError('ValidationFailed', redact(`GitHub rejected the request${where(err)} (422)${detail(response?.data)}.`, secrets), base);
  if (status >= 500 && status <= 599) return new GitHubError('ServerError', `GitHub had a server error${where(err)} (${status}); try again later.`, base);
  return new GitHubError('Unknown', redact(`GitHub answered ${status || 'unexpectedly'}${where(err)}${detail(response?.data)}.`, secrets), base);
}

/** The error a response body that should be JSON but is not becomes. */
export function malformedResponse(method: string, path: string, cause?: unknown): GitHubError {
  return new GitHubError('MalformedResponse', `GitHub sent a response that is not valid JSON (${method} ${path}); try again later.`, { cause });
}

function isTimeout(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4; c = (c as ErrorLike).cause, depth++) {
    const name = (c as ErrorLike).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
  }
  return false;
}

function networkReason(e: unknown): string | undefined {
  // Prefer the innermost cause (e.g. "connect ECONNREFUSED 127.0.0.1:1"), not fetch's "fetch failed".
  let reason: string | undefined;
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4; c = (c as ErrorLike).cause, depth++) {
    const m = (c as ErrorLike).message;
    if (typeof m === 'string' && m && m !== 'fetch failed') reason = m;
  }
  return reason;
}

/** ` (GET /repos/o/r)` from the request of an octokit error, when known. */
function where(err: ErrorLike): string {
  const method = err.request?.method;
  const url = err.request?.url;
  if (typeof method !== 'string' || typeof url !== 'string') return '';
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // already a path
  }
  return ` (${method} ${path})`;
}

/** GitHub's own message (and field errors) of a 4xx body: `: Validation Failed (name already_exists)`. */
function detail(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as { message?: unknown; errors?: unknown };
  if (typeof d.message !== 'string' || !d.message) return '';
  const errors = Array.isArray(d.errors)
    ? d.errors
        .map((x: unknown) => (typeof x === 'string' ? x : x && typeof x === 'object' ? [(x as Record<string, unknown>).field, (x as Record<string, unknown>).code, (x as Record<string, unknown>).message].filter((v) => typeof v === 'string').join(' ') : ''))
        .filter(Boolean)
    : [];
  const text = `${d.message}${errors.length ? ` (${errors.join('; ')})` : ''}`;
  return `: ${text.length > 300 ? `${text.slice(0, 297)}...` : text}`;
}

function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
  return out;
}

function epochSeconds(value: string | undefined): Date | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
}

/** Local wall-clock time, `14:05`. */
export function formatClock(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function formatSeconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 100) / 10);
  return s >= 90 ? `${Math.round(s / 60)} min` : `${s} s`;
}

/**
 * A GitHub error message short enough for a tree row: without the request (`(GET /repos/…)`) and
 * the trailing advice, which the tooltip and the log keep. Other messages pass unchanged.
 */
export function briefGitHubMessage(message: string): string {
  return message
    .replace(/\s*\((?:GET|POST|PUT|PATCH|DELETE|HEAD) [^)]*\)/g, '')
    .replace(/[;.]\s*(?:try again later|check the network and try again)\.?$/i, '')
    .replace(/\.$/, '');
}
