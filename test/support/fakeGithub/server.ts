/**
 * The fake GitHub HTTP server: 127.0.0.1, port 0. Every request is routed and validated against
 * GitHub's OpenAPI description, every answer of a route is validated against the response schema
 * of its status code. Adds what GitHub adds around the payload: auth, rate-limit headers, ETags
 * with 304s, Link pagination; and lets tests inject faults.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'openapi-backend';
import { Objects } from './objects';
import { HttpError, routes } from './routes';
import type { RateLimitSnapshot, Reply, RouteContext, RouteRequest } from './routes';
import type { BackendOutcome, LoadedSpec } from './spec';
import { loadSpec } from './spec';
import { FakeState } from './state';
import { disposeReleases, resetReleases, setUploadsUrl } from './releasesState';
import { startUploadsHost, type UploadsHost } from './uploads';

const DOCS = 'https://docs.github.com/rest';

export type FaultResponse =
  | { status: 500 | 502 | 503 }
  | { status: 429; retryAfter: number }
  | { secondary: true; retryAfter: number }
  | { primaryLimit: true }
  | { delayMs: number }
  | { malformedJson: true };

export interface Fault {
  match: { method?: string; path?: string | RegExp };
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  respond: FaultResponse;
}

export interface RequestLogEntry {
  method: string;
  /** Path without query string. */
  path: string;
  query: Record<string, string>;
  /** 0 while the answer is pending. */
  status: number;
  /** Request headers, lower-case names; authorization redacted to its scheme. */
  headers: Record<string, string>;
  operationId?: string;
  /** The kind of injected fault that answered (or delayed) it. */
  fault?: 'status' | 'retryAfter' | 'secondary' | 'primaryLimit' | 'delay' | 'malformedJson';
}

export interface Violation {
  kind: 'request' | 'response' | 'unimplemented' | 'handler';
  method: string;
  path: string;
  operationId?: string;
  status?: number;
  errors: unknown[];
}

export interface FakeGitHubOptions {
  /** Accepted tokens; when given, every request needs one of them. */
  tokens?: string[];
  /** Primary rate limit per window (default 5000). */
  rateLimit?: number;
}

export interface FakeGitHub {
  /** Base URL, e.g. http://127.0.0.1:PORT (use as octokit's baseUrl / GITHUB_API_URL). */
  readonly url: string;
  /** The uploads host (release assets), its own port like uploads.github.com; reached through `upload_url`. */
  readonly uploadsUrl: string;
  readonly state: FakeState;
  readonly faults: Fault[];
  readonly requests: RequestLogEntry[];
  readonly violations: Violation[];
  /** Makes the token answer 401 from now on. */
  expireToken(token: string): void;
  /** Accepts another token. */
  addToken(token: string): void;
  /** Sets the rate-limit counters (e.g. remaining: 0 to exhaust the limit until resetAt). */
  setRateLimit(opts: { limit?: number; remaining?: number; resetAt?: Date }): void;
  rateLimit(): RateLimitSnapshot;
  /** Clears state, faults, logs, expired tokens and the rate-limit counters. */
  reset(): void;
  close(): Promise<void>;
}

type Headers = Record<string, string>;

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function redact(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? `${value.split(/\s+/)[0] ?? ''} [redacted]` : value;
  }
  return out;
}

function tokenOf(headers: http.IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (!auth) return null;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(auth);
  return m ? (m[1] ?? null) : '';
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

/** Drops a required-looking field (id, else url, else the first key) from the body or its first item. */
function corrupt(body: unknown): unknown {
  const target = Array.isArray(body) ? body[0] : body;
  if (target && typeof target === 'object') {
    const obj = target as Record<string, unknown>;
    const key = 'id' in obj ? 'id' : 'url' in obj ? 'url' : Object.keys(obj)[0];
    if (key !== undefined) delete obj[key];
  } else if (Array.isArray(body)) {
    body.push(42);
  }
  return body;
}

class FakeGitHubServer implements FakeGitHub {
  url = '';
  uploadsUrl = '';
  private uploads: UploadsHost | null = null;
  readonly state = new FakeState();
  readonly faults: Fault[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly violations: Violation[] = [];
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tokens: Set<string> | null;
  private readonly initialTokens: string[];
  private readonly expired = new Set<string>();
  private readonly limit: number;
  private rate = { limit: 5000, used: 0, reset: 0 };
  private objects!: Objects;
  private requestSeq = 0;

  constructor(
    private readonly spec: LoadedSpec,
    options: FakeGitHubOptions,
  ) {
    this.initialTokens = options.tokens ? [...options.tokens] : [];
    this.tokens = options.tokens ? new Set(options.tokens) : null;
    this.limit = options.rateLimit ?? 5000;
    this.resetRate();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(err)}` }));
        }
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.objects = new Objects(this.url, this.state);
    this.uploads = await startUploadsHost({
      state: this.state,
      spec: this.spec,
      objects: () => this.objects,
      requests: this.requests,
      violations: this.violations,
      token: (headers) => tokenOf(headers),
      authError: (headers) => this.authError(tokenOf(headers)),
    });
    this.uploadsUrl = this.uploads.url;
    setUploadsUrl(this.state, this.uploadsUrl);
  }

  /** 401 when the token is missing (and tokens are required), empty or expired; null when accepted. */
  private authError(token: string | null): number | null {
    return (token !== null && (token === '' || this.expired.has(token))) || (this.tokens && (token === null || !this.tokens.has(token))) ? 401 : null;
  }

  expireToken(token: string): void {
    this.expired.add(token);
  }

  addToken(token: string): void {
    this.tokens?.add(token);
    this.expired.delete(token);
  }

  setRateLimit(opts: { limit?: number; remaining?: number; resetAt?: Date }): void {
    this.refreshWindow();
    if (opts.limit !== undefined) this.rate.limit = opts.limit;
    if (opts.remaining !== undefined) this.rate.used = Math.max(0, this.rate.limit - opts.remaining);
    if (opts.resetAt) this.rate.reset = Math.floor(opts.resetAt.getTime() / 1000);
  }

  rateLimit(): RateLimitSnapshot {
    this.refreshWindow();
    const { limit, used, reset } = this.rate;
    return { limit, used, remaining: Math.max(0, limit - used), reset };
  }

  reset(): void {
    this.state.reset();
    resetReleases(this.state);
    this.faults.length = 0;
    this.requests.length = 0;
    this.violations.length = 0;
    this.expired.clear();
    if (this.tokens) {
      this.tokens.clear();
      for (const t of this.initialTokens) this.tokens.add(t);
    }
    this.resetRate();
  }

  async close(): Promise<void> {
    await this.uploads?.close();
    disposeReleases(this.state);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private resetRate(): void {
    this.rate = { limit: this.limit, used: 0, reset: Math.floor(Date.now() / 1000) + 3600 };
  }

  private refreshWindow(): void {
    if (Date.now() / 1000 >= this.rate.reset) {
      this.rate.used = 0;
      this.rate.reset = Math.floor(Date.now() / 1000) + 3600;
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex((f) => {
      if (f.match.method && f.match.method.toUpperCase() !== method) return false;
      const p = f.match.path;
      if (p === undefined) return true;
      return typeof p === 'string' ? p === path : p.test(path);
    });
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.faults.splice(index, 1);
    else fault.times = left;
    return fault;
  }

  private baseHeaders(overrides: Partial<RateLimitSnapshot> = {}): Headers {
    const rate = { ...this.rateLimit(), ...overrides };
    this.requestSeq++;
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(rate.remaining),
      'x-ratelimit-used': String(rate.used),
      'x-ratelimit-reset': String(rate.reset),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': `${randomBytes(2).toString('hex').toUpperCase()}:${this.requestSeq.toString(16).toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}`,
      'access-control-expose-headers':
        'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-GitHub-Request-Id',
    };
  }

  private send(res: http.ServerResponse, entry: RequestLogEntry, status: number, headers: Headers, body: string | undefined): void {
    entry.status = status;
    if (res.destroyed) return;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(status, headers);
    res.end(body);
  }

  private count(): void {
    this.refreshWindow();
    this.rate.used++;
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const entry: RequestLogEntry = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      headers: redact(req.headers),
    };
    this.requests.push(entry);
    const raw = await this.readBody(req);

    // 0. signed download URLs that the API redirects to (job logs, artifact zips): outside the API, no auth
    const blob = method === 'GET' ? this.state.actions.blobs.get(path) : undefined;
    if (blob) {
      entry.status = 200;
      res.writeHead(200, { 'content-type': blob.contentType, 'content-length': String(blob.body.length) });
      res.end(blob.body);
      return;
    }

    // 1. injected faults
    const fault = this.takeFault(method, path);
    if (fault) {
      const r = fault.respond;
      if ('delayMs' in r) {
        entry.fault = 'delay';
        await this.delay(r.delayMs);
        if (res.destroyed) return;
      } else {
        this.answerFault(res, entry, r);
        return;
      }
    }

    // 2. auth
    const token = tokenOf(req.headers);
    if ((token !== null && (token === '' || this.expired.has(token))) || (this.tokens && (token === null || !this.tokens.has(token)))) {
      this.count();
      this.send(res, entry, 401, this.baseHeaders(), JSON.stringify({ message: 'Bad credentials', documentation_url: DOCS, status: '401' }));
      return;
    }

    // 3. primary rate limit exhausted
    if (this.rateLimit().remaining <= 0 && path !== '/rate_limit') {
      this.send(
        res,
        entry,
        403,
        this.baseHeaders(),
        JSON.stringify({
          message: `API rate limit exceeded for user ID ${this.state.currentUser().id}.`,
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        }),
      );
      return;
    }

    // 4. route + validate the request
    const contentType = String(req.headers['content-type'] ?? '');
    const bodyText = raw.length === 0 ? undefined : /json|^$/i.test(contentType) ? raw.toString('utf8') : raw;
    const headersForValidation: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headersForValidation[k] = v;
    const outcome = (await this.spec.api.handleRequest({
      method,
      path,
      query: url.search.slice(1),
      headers: headersForValidation,
      body: bodyText,
    })) as BackendOutcome;

    if (outcome.kind === 'notFound') {
      this.count();
      this.send(res, entry, 404, this.baseHeaders(), JSON.stringify({ message: 'Not Found', documentation_url: DOCS, status: '404' }));
      return;
    }
    entry.operationId = outcome.operationId;
    if (outcome.kind === 'validationFail') {
      this.violations.push({ kind: 'request', method, path, operationId: outcome.operationId, errors: outcome.errors });
      this.count();
      const body = { message: 'Validation Failed', errors: outcome.errors, documentation_url: DOCS, status: '422' };
      this.send(res, entry, 422, this.baseHeaders(), JSON.stringify(body));
      return;
    }
    const handler = routes[outcome.operationId];
    if (!handler) {
      this.violations.push({
        kind: 'unimplemented',
        method,
        path,
        operationId: outcome.operationId,
        status: 501,
        errors: [`operation ${outcome.operationId} is in the description but not implemented by the fake GitHub`],
      });
      this.count();
      const body = { message: `Not implemented by the fake GitHub: ${outcome.operationId}`, documentation_url: DOCS, status: '501' };
      this.send(res, entry, 501, this.baseHeaders(), JSON.stringify(body));
      return;
    }

    // 5. the route
    const reply = await this.runRoute(handler, outcome.operationId, outcome.context, method, path, token, raw, entry);
    if (!reply) {
      this.count();
      this.send(res, entry, 500, this.baseHeaders(), JSON.stringify({ message: 'fake GitHub route failed', documentation_url: DOCS }));
      return;
    }
    if (reply.status >= 200 && reply.status < 300 && reply.body !== undefined && this.state.debugCorruptNext) {
      const how = this.state.debugCorruptNext;
      this.state.debugCorruptNext = false;
      reply.body = typeof how === 'function' ? how(reply.body) : corrupt(reply.body);
    }

    // 6. headers: pagination + ETag
    const headers: Headers = { ...(reply.headers ?? {}) };
    if (reply.pagination) {
      const link = this.linkHeader(url, reply.pagination.page, reply.pagination.perPage, reply.pagination.total);
      if (link) headers.link = link;
    }

    // 7. validate our own answer
    const errors = this.validateReply(outcome.operationId, reply, headers);
    if (errors.length > 0) {
      this.violations.push({ kind: 'response', method, path, operationId: outcome.operationId, status: reply.status, errors });
      this.count();
      const body = { message: 'The fake GitHub answered outside the description', errors, documentation_url: DOCS, status: '500' };
      this.send(res, entry, 500, this.baseHeaders(), JSON.stringify(body));
      return;
    }

    const json = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    if (method === 'GET' && reply.status === 200 && json !== undefined) {
      const etag = `"${sha(json)}"`;
      headers.etag = etag;
      const ifNoneMatch = req.headers['if-none-match'];
      if (etagMatches(Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch, etag)) {
        const h = { ...this.baseHeaders(), ...headers };
        delete h['content-type'];
        this.send(res, entry, 304, h, undefined);
        return;
      }
    }
    if (outcome.operationId !== 'rate-limit/get') this.count();
    this.send(res, entry, reply.status, { ...this.baseHeaders(), ...headers }, json);
  }

  private async runRoute(
    handler: (req: RouteRequest, ctx: RouteContext) => Reply | Promise<Reply>,
    operationId: string,
    context: Context,
    method: string,
    path: string,
    token: string | null,
    raw: Buffer,
    entry: RequestLogEntry,
  ): Promise<Reply | undefined> {
    const parsed = context.request;
    const routeReq: RouteRequest = {
      operationId,
      method,
      path,
      params: (parsed.params ?? {}) as Record<string, unknown>,
      query: (parsed.query ?? {}) as Record<string, unknown>,
      headers: parsed.headers as Record<string, string | string[] | undefined>,
      body: parsed.requestBody ?? (raw.length ? raw : undefined),
      token,
    };
    const ctx: RouteContext = { state: this.state, objects: this.objects, baseUrl: this.url, rateLimit: () => this.rateLimit() };
    try {
      return await handler(routeReq, ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        return { status: err.status, body: { message: err.message, documentation_url: DOCS, status: String(err.status), ...err.extra } };
      }
      this.violations.push({ kind: 'handler', method, path, operationId, errors: [String((err as Error)?.stack ?? err)] });
      entry.status = 500;
      return undefined;
    }
  }

  private validateReply(operationId: string, reply: Reply, headers: Headers): unknown[] {
    const v = this.spec.responses;
    if (reply.status < 400 && !v.declared(operationId, reply.status)) {
      return [{ message: `status ${reply.status} is not declared for ${operationId}` }];
    }
    return [...v.validateBody(operationId, reply.status, reply.body), ...v.validateHeaders(operationId, reply.status, headers)];
  }

  private linkHeader(url: URL, page: number, perPage: number, total: number): string | undefined {
    const last = Math.max(1, Math.ceil(total / perPage));
    const at = (n: number) => {
      const u = new URL(url.pathname + url.search, this.url);
      u.searchParams.set('page', String(n));
      return `<${u.toString()}>`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
    if (page < last) {
      parts.push(`${at(page + 1)}; rel="next"`);
      parts.push(`${at(last)}; rel="last"`);
    }
    if (page > 1) parts.push(`${at(1)}; rel="first"`);
    return parts.length ? parts.join(', ') : undefined;
  }

  private answerFault(res: http.ServerResponse, entry: RequestLogEntry, r: Exclude<FaultResponse, { delayMs: number }>): void {
    if ('malformedJson' in r) {
      entry.fault = 'malformedJson';
      this.send(res, entry, 200, this.baseHeaders(), '{"truncated":');
      return;
    }
    if ('primaryLimit' in r) {
      entry.fault = 'primaryLimit';
      const reset = Math.max(this.rate.reset, Math.floor(Date.now() / 1000) + 60);
      const headers = this.baseHeaders({ remaining: 0, used: this.rate.limit, reset });
      const body = {
        message: `API rate limit exceeded for user ID ${this.state.currentUser().id}.`,
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      };
      this.send(res, entry, 403, headers, JSON.stringify(body));
      return;
    }
    if ('secondary' in r) {
      entry.fault = 'secondary';
      const headers = { ...this.baseHeaders(), 'retry-after': String(r.retryAfter) };
      const body = {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403',
      };
      this.send(res, entry, 403, headers, JSON.stringify(body));
      return;
    }
    if (r.status === 429) {
      entry.fault = 'retryAfter';
      const headers = { ...this.baseHeaders(), 'retry-after': String(r.retryAfter) };
      this.send(res, entry, 429, headers, JSON.stringify({ message: 'Too Many Requests', documentation_url: DOCS, status: '429' }));
      return;
    }
    entry.fault = 'status';
    const messages: Record<number, string> = { 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
    this.send(res, entry, r.status, this.baseHeaders(), JSON.stringify({ message: messages[r.status] ?? 'Server Error', status: String(r.status) }));
  }
}

/** Starts a fake GitHub on 127.0.0.1 (port 0). The first call of the process loads the description (~0.5 s). */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const spec = await loadSpec();
  const server = new FakeGitHubServer(spec, options);
  await server.listen();
  return server;
}
