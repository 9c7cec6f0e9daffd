/**
 * The GitHub seam. The octokit adapter (`octokitAdapter.ts`, octokit loaded lazily) implements it:
 * ETag cache (a 304 reuses the cached body and costs no rate limit), throttling + retry, pagination,
 * rate-limit tracking, and failures as `GitHubError` classified by HTTP status and headers only.
 */
import { SdlcError } from '../errors';
import type { GitHubRepoRef } from '../git/git';

export type GitHubErrorCode =
  | 'Unauthorized' // 401: token missing/expired/revoked
  | 'Forbidden' // 403 without rate-limit headers
  | 'RateLimited' // 403/429 with x-ratelimit-remaining: 0 (primary limit)
  | 'SecondaryRateLimit' // 403/429 with retry-after (secondary limit)
  | 'NotFound'
  | 'ValidationFailed' // 422
  | 'Conflict' // 409
  | 'ServerError' // 5xx
  | 'Timeout'
  | 'Network'
  | 'MalformedResponse'
  | 'Unknown';

export class GitHubError extends SdlcError {
  constructor(
    readonly githubCode: GitHubErrorCode,
    message: string,
    readonly details: { status?: number; resetAt?: Date; retryAfterSeconds?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(githubCode, message, { cause: details.cause });
    this.name = 'GitHubError';
  }
}

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  used: number;
  resetAt: Date;
  resource: string;
}

export interface PullRequestInfo {
  number: number;
  title: string;
  url: string;
  author: string | null;
  draft: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  updatedAt: string;
}

/** success / failure / pending / neutral (skipped, cancelled, neutral), none when nothing reported. */
export type CiState = 'success' | 'failure' | 'pending' | 'neutral' | 'none';

export interface CiStatus {
  state: CiState;
  /** Individual contexts: commit statuses and check runs. */
  checks: Array<{ name: string; state: CiState; url: string | null; kind: 'status' | 'check' }>;
}

export interface GitHubUser {
  login: string;
  name: string | null;
}

export interface GitHubClientOptions {
  /** API base, default https://api.github.com (GITHUB_API_URL / sdlc.github.apiUrl). */
  baseUrl?: string;
  token?: string;
  userAgent?: string;
  /** Per-request timeout in ms (default 15000). */
  timeoutMs?: number;
  /** Retry/throttle tuning; tests lower these instead of sleeping. */
  retry?: { retries?: number; retryAfterBaseValueMs?: number };
  throttle?: {
    enabled?: boolean;
    /** Rate limits asking for a longer wait than this fail at once instead of retrying (default 60). */
    maxRetryAfterSeconds?: number;
    /** Minimum time between two writes (POST/PATCH/PUT/DELETE), as GitHub asks (default 1000; tests 0). */
    writeSpacingMs?: number;
  };
}

export interface GitHub {
  readonly baseUrl: string;
  /** The signed-in user; Unauthorized when the token is missing/expired. */
  currentUser(): Promise<GitHubUser>;
  listOpenPullRequests(repo: GitHubRepoRef): Promise<PullRequestInfo[]>;
  /** Combined commit status + check runs for a ref/sha. */
  ciStatus(repo: GitHubRepoRef, ref: string): Promise<CiStatus>;
  /** Rate limit as of the last response (null before any request). */
  readonly rateLimit: RateLimitInfo | null;
  /** Fires after every response with the current rate limit. Returns a function that unsubscribes. */
  onRateLimit(listener: (info: RateLimitInfo) => void): () => void;
  /**
   * The underlying request function for features of later issues (typed octokit request).
   * `params.request.timeoutMs` overrides the timeout for one call (0: none, e.g. a large upload).
   */
  request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: T; headers: Record<string, string | number | undefined> }>;
}
