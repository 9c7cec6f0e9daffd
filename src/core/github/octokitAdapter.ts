/**
 * The GitHub seam implemented with octokit (loaded on first use from its own chunk).
 *
 * Layers of one request, outermost first:
 *   our hook      ETag cache (If-None-Match; a 304 returns the cached response), malformed JSON,
 *                 every failure classified as a GitHubError
 *   throttling    primary / secondary rate limits: retried when GitHub asks for a short wait
 *   retry         5xx, 429 and network failures: retried with a growing wait
 *   our fetch     per-attempt timeout, rate-limit tracking and the log line of every HTTP exchange
 */
import { errorMessage } from '../errors';
import { redact, silentLogger, type Logger } from '../log';
import type { GitHubRepoRef } from '../git/git';
import { ciStatusFrom, type CheckRunLike, type CommitStatusLike } from './ci';
import { classifyGitHubError, malformedResponse } from './classify';
import { authIdentity, EtagCache, etagCacheKey, type CachedResponse } from './etagCache';
import type { CiStatus, GitHub, GitHubClientOptions, GitHubUser, PullRequestInfo, RateLimitInfo } from './github';
import type * as OctokitBundle from './octokitBundle';

export const DEFAULT_API_URL = 'https://api.github.com';
const DEFAULT_TIMEOUT_MS = 15_000;

export interface CreateGitHubOptions extends GitHubClientOptions {
  logger?: Logger;
  /** Responses kept for conditional requests (default 500). */
  etagCacheSize?: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

type Headers = Record<string, string | number | undefined>;
interface OctokitResponse {
  status: number;
  url: string;
  headers: Headers;
  data: unknown;
}
type RequestFn = (options: Record<string, unknown>) => Promise<OctokitResponse>;
/** The parts of an Octokit instance used here, typed loosely (routes are plain strings). */
interface OctokitLike {
  request: ((route: string, params?: Record<string, unknown>) => Promise<OctokitResponse>) & {
    endpoint: { parse(options: Record<string, unknown>): { method: string; url: string; headers: Record<string, string | undefined> } };
  };
  paginate(route: string, params?: Record<string, unknown>): Promise<unknown[]>;
  hook: { wrap(name: 'request', fn: (request: RequestFn, options: Record<string, unknown>) => Promise<OctokitResponse>): void };
}

function loadBundle(): typeof OctokitBundle {
  // A lazy require rather than import(): esbuild maps './octokitBundle' to the separate chunk
  // dist/octokit.js, and under tsx (tests) CommonJS resolution finds the TypeScript file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./octokitBundle') as typeof OctokitBundle;
}

/** Builds the GitHub client; loads octokit on first call. */
export async function createGitHub(options: CreateGitHubOptions = {}): Promise<GitHub> {
  const { Octokit } = await loadBundle().loadOctokit();
  return new OctokitGitHub(options, (octokitOptions) => new Octokit(octokitOptions as ConstructorParameters<typeof Octokit>[0]) as unknown as OctokitLike);
}

/** Thrown by our fetch when the per-attempt timeout fires. Named AbortError so octokit neither wraps nor retries it. */
class RequestTimeoutError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly timeoutMs: number, readonly method: string, readonly path: string) {
    super(`${method} ${path} timed out after ${timeoutMs} ms`);
  }
}

class OctokitGitHub implements GitHub {
  readonly baseUrl: string;
  private readonly octokit: OctokitLike;
  private readonly log: Logger;
  private readonly secrets: string[];
  private readonly identity: string;
  private readonly cache: EtagCache<CachedResponse>;
  private readonly listeners = new Set<(info: RateLimitInfo) => void>();
  private currentRateLimit: RateLimitInfo | null = null;

  constructor(options: CreateGitHubOptions, construct: (octokitOptions: Record<string, unknown>) => OctokitLike) {
    this.baseUrl = (options.baseUrl?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
    this.log = options.logger ?? silentLogger;
    this.secrets = options.token ? [options.token] : [];
    this.identity = authIdentity(options.token);
    this.cache = new EtagCache<CachedResponse>(options.etagCacheSize ?? 500);

    const retries = Math.max(0, options.retry?.retries ?? 3);
    const retryAfterBaseValue = Math.max(0, options.retry?.retryAfterBaseValueMs ?? 1000);
    const throttle = options.throttle ?? {};
    const maxRetryAfterSeconds = throttle.maxRetryAfterSeconds ?? 60;
    const onLimit = (kind: string) => (retryAfter: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
      const what = `${request.method ?? 'GET'} ${request.url ?? ''}`;
      if (retryCount < retries && retryAfter <= maxRetryAfterSeconds) {
        this.log.warn(`${kind} for ${what}; retrying in ${retryAfter} s`);
        return true;
      }
      this.log.warn(`${kind} for ${what}; not retrying (asked to wait ${retryAfter} s)`);
      return false;
    };
    const spacing = throttle.writeSpacingMs ?? 1000;

    this.octokit = construct({
      baseUrl: this.baseUrl,
      auth: options.token || undefined,
      userAgent: options.userAgent ?? 'sdlc-workbench',
      log: { debug() {}, info() {}, warn: (m: string) => this.log.debug(redact(String(m), this.secrets)), error: (m: string) => this.log.debug(redact(String(m), this.secrets)) },
      request: { fetch: this.timedFetch(options.fetch ?? globalThis.fetch, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
      retry: { enabled: retries > 0, retries, retryAfterBaseValue, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
      throttle: {
        enabled: throttle.enabled ?? true,
        retryAfterBaseValue,
        fallbackSecondaryRateRetryAfter: 60,
        onRateLimit: onLimit('rate limit reached'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        // Own spacing of writes instead of the plugin's process-wide Bottleneck groups, so it can be tuned.
        write: new SpacingGroup(spacing),
        notifications: new SpacingGroup(spacing * 3),
        search: new SpacingGroup(spacing * 2),
      },
    });
    this.octokit.hook.wrap('request', (request, requestOptions) => this.conditionalRequest(request, requestOptions));
  }

  get rateLimit(): RateLimitInfo | null {
    return this.currentRateLimit;
  }

  onRateLimit(listener: (info: RateLimitInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async currentUser(): Promise<GitHubUser> {
    const { data } = await this.octokit.request('GET /user');
    const user = data as { login: string; name?: string | null };
    return { login: user.login, name: user.name ?? null };
  }

  async listOpenPullRequests(repo: GitHubRepoRef): Promise<PullRequestInfo[]> {
    const pulls = (await this.octokit.paginate('GET /repos/{owner}/{repo}/pulls', { owner: repo.owner, repo: repo.repo, state: 'open', per_page: 100 })) as Array<{
      number: number;
      title: string;
      html_url: string;
      user: { login: string } | null;
      draft?: boolean;
      head: { ref: string; sha: string };
      base: { ref: string };
      updated_at: string;
    }>;
    return pulls.map((p) => ({
      number: p.number,
      title: p.title,
      url: p.html_url,
      author: p.user?.login ?? null,
      draft: p.draft ?? false,
      headRef: p.head.ref,
      headSha: p.head.sha,
      baseRef: p.base.ref,
      updatedAt: p.updated_at,
    }));
  }

  async ciStatus(repo: GitHubRepoRef, ref: string): Promise<CiStatus> {
    const params = { owner: repo.owner, repo: repo.repo, ref, per_page: 100 };
    const [combined, checkRuns] = await Promise.all([
      this.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', params),
      this.octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', params),
    ]);
    const statuses = (combined.data as { statuses?: CommitStatusLike[] }).statuses ?? [];
    return ciStatusFrom(statuses, checkRuns as CheckRunLike[]);
  }

  async request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: T; headers: Headers }> {
    const response = await this.octokit.request(route, params);
    return { status: response.status, data: response.data as T, headers: response.headers };
  }

  /** Outermost hook: conditional GETs against the ETag cache, body checks, classified errors. */
  private async conditionalRequest(request: RequestFn, options: Record<string, unknown>): Promise<OctokitResponse> {
    // `request: { timeoutMs }` of one call (e.g. 0 for a large upload) reaches our fetch through its signal.
    const requestOptions = (options.request ?? {}) as { timeoutMs?: unknown; signal?: AbortSignal };
    if (typeof requestOptions.timeoutMs === 'number') {
      const signal = requestOptions.signal ?? new AbortController().signal;
      timeoutOverrides.set(signal, requestOptions.timeoutMs);
      options.request = { ...requestOptions, signal };
    }
    const endpoint = this.octokit.request.endpoint.parse(options);
    const method = endpoint.method.toUpperCase();
    const key = etagCacheKey(method, endpoint.url, this.identity, endpoint.headers.accept);
    const headers = (options.headers ?? {}) as Record<string, string | undefined>;
    const cached = method === 'GET' && headers['if-none-match'] === undefined ? this.cache.get(key) : undefined;
    // In place: the inner layers are bound to this very options object (before-after-hook).
    if (cached) options.headers = { ...headers, 'if-none-match': cached.etag };
    try {
      const response = await request(options);
      this.checkBody(method, endpoint.url, response);
      if (method === 'GET') {
        const etag = response.headers.etag;
        if (typeof etag === 'string' && etag && response.status === 200) {
          // A copy: callers own the body they get (octokit's paginate rewrites `{ total_count, check_runs }`
          // in place), and a later 304 must answer with the body as GitHub sent it.
          this.cache.set(key, { etag, status: response.status, url: response.url, headers: response.headers, data: structuredClone(response.data) });
        } else if (cached) {
          this.cache.delete(key);
        }
      }
      return response;
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      if (cached && status === 304) {
        const fresh = ((e as { response?: { headers?: Headers } }).response?.headers ?? {}) as Headers;
        // The cached body with the current rate-limit headers.
        return { status: cached.status, url: cached.url, data: structuredClone(cached.data), headers: { ...cached.headers, ...pickRateLimitHeaders(fresh) } };
      }
      throw classifyGitHubError(e, { authenticated: this.secrets.length > 0, secrets: this.secrets });
    }
  }

  /**
   * octokit hands back the raw text when a JSON body does not parse: a string where the body was not
   * a JSON string literal (our fetch marks those) is a malformed response.
   */
  private checkBody(method: string, url: string, response: OctokitResponse): void {
    const quoted = response.headers[QUOTED_BODY] !== undefined;
    delete response.headers[QUOTED_BODY];
    if (typeof response.data !== 'string' || response.data === '' || quoted) return;
    if (!/\bjson\b/i.test(String(response.headers['content-type'] ?? ''))) return;
    throw malformedResponse(method, pathOf(url), new SyntaxError(`not JSON: ${response.data.slice(0, 40)}`));
  }

  /** The innermost layer: one HTTP exchange with a timeout, logged, its rate limit recorded. */
  private timedFetch(fetchImpl: typeof fetch, defaultTimeoutMs: number): typeof fetch {
    return async (input, init) => {
      const override = init?.signal ? timeoutOverrides.get(init.signal) : undefined;
      const timeoutMs = override ?? defaultTimeoutMs;
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const method = (init?.method ?? 'GET').toUpperCase();
      const path = redact(pathOf(url), this.secrets);
      const conditional = hasHeader(init?.headers, 'if-none-match');
      const timeout = timeoutMs > 0 && Number.isFinite(timeoutMs) ? AbortSignal.timeout(timeoutMs) : undefined;
      const signals = [init?.signal, timeout].filter((x): x is AbortSignal => x !== undefined && x !== null);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      const started = performance.now();
      const elapsed = () => `[${Math.round(performance.now() - started)}ms]`;
      try {
        const response = await fetchImpl(input, { ...init, signal });
        // Read the whole body under the same timeout, so a response that stalls half way times out too.
        const body = response.status === 204 || response.status === 205 || response.status === 304 || method === 'HEAD' ? null : await response.arrayBuffer();
        this.recordRateLimit(response.headers);
        this.log.debug(`${method} ${path} ${response.status}${response.status === 304 && conditional ? ' (cached)' : ''} ${elapsed()}`);
        const headers = new globalThis.Headers(response.headers);
        if (body && firstNonSpace(body) === 0x22 /* " */) headers.set(QUOTED_BODY, '1');
        const copy = new Response(body, { status: response.status, statusText: response.statusText, headers });
        Object.defineProperty(copy, 'url', { value: response.url });
        return copy;
      } catch (e) {
        if (timeout?.aborted) {
          this.log.debug(`${method} ${path} timed out ${elapsed()}`);
          throw new RequestTimeoutError(timeoutMs, method, path);
        }
        const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
        this.log.debug(`${method} ${path} failed: ${redact(errorMessage(e) + cause, this.secrets)} ${elapsed()}`);
        throw e;
      }
    };
  }

  private recordRateLimit(headers: globalThis.Headers): void {
    const limit = headers.get('x-ratelimit-limit');
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (limit === null || remaining === null || reset === null) return;
    const info: RateLimitInfo = {
      limit: Number(limit),
      remaining: Number(remaining),
      used: Number(headers.get('x-ratelimit-used') ?? Number(limit) - Number(remaining)),
      resetAt: new Date(Number(reset) * 1000),
      resource: headers.get('x-ratelimit-resource') ?? 'core',
    };
    if (![info.limit, info.remaining, info.used, info.resetAt.getTime()].every(Number.isFinite)) return;
    this.currentRateLimit = info;
    for (const listener of [...this.listeners]) {
      try {
        listener(info);
      } catch (e) {
        this.log.warn(`rate limit listener failed: ${errorMessage(e)}`);
      }
    }
  }
}

/** Internal marker from our fetch to our hook: the body is a JSON string literal. Removed before callers see headers. */
const QUOTED_BODY = 'x-sdlc-quoted-body';

function firstNonSpace(body: ArrayBuffer): number | undefined {
  const bytes = new Uint8Array(body);
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return b;
  return undefined;
}

/** Per-call timeouts, keyed by the signal the call's fetch receives. */
const timeoutOverrides = new WeakMap<AbortSignal, number>();

function pickRateLimitHeaders(headers: Headers): Headers {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase().startsWith('x-ratelimit-')));
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

function hasHeader(headers: RequestInit['headers'], name: string): boolean {
  if (!headers) return false;
  if (headers instanceof globalThis.Headers) return headers.has(name);
  if (Array.isArray(headers)) return headers.some(([k]) => k.toLowerCase() === name);
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/**
 * Minimal stand-in for a Bottleneck group as plugin-throttling uses it for writes: jobs of one key
 * start at least `minTimeMs` apart, one at a time.
 */
class SpacingGroup {
  private readonly limiters = new Map<string, Spacer>();
  constructor(private readonly minTimeMs: number) {}
  key(id = ''): Spacer {
    let limiter = this.limiters.get(id);
    if (!limiter) this.limiters.set(id, (limiter = new Spacer(this.minTimeMs)));
    return limiter;
  }
}

class Spacer {
  private queue: Promise<unknown> = Promise.resolve();
  private nextStart = 0;
  constructor(private readonly minTimeMs: number) {}
  schedule<R>(_options: unknown, job: (...args: unknown[]) => R | Promise<R>, ...args: unknown[]): Promise<R> {
    const result = this.queue.then(async () => {
      const wait = this.nextStart - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.nextStart = Date.now() + this.minTimeMs;
      return job(...args);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}
