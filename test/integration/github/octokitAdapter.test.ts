import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { GitHubError, type GitHub, type RateLimitInfo } from '../../../src/core/github/github';
import { createGitHub, type CreateGitHubOptions } from '../../../src/core/github/octokitAdapter';
import type { Logger } from '../../../src/core/log';
import { useFakeGitHub } from '../../support/fakeGithub';

// Deliberately not in a GitHub token format, so only our own care (not the generic redaction) hides it.
const TOKEN = 'sdlc-secret-token-7f3a9c1e5b2d4086';
const OTHER = 'sdlc-secret-token-other-11223344';
const repo = { owner: 'octo', repo: 'app' };

/** Every log line and error of the suite, checked for the token at the end. */
const logLines: string[] = [];
const errors: unknown[] = [];

function captureLogger(): Logger {
  const put = (level: string) => (m: string | Error) => logLines.push(`${level} ${m instanceof Error ? `${m.message}\n${m.stack ?? ''}` : m}`);
  return { trace: put('trace'), debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

async function rejects(promise: Promise<unknown>, code: string): Promise<GitHubError> {
  try {
    await promise;
  } catch (e) {
    errors.push(e);
    assert.ok(e instanceof GitHubError, `expected a GitHubError, got ${inspect(e)}`);
    assert.equal(e.githubCode, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

describe('GitHub adapter (octokit) against the fake GitHub', function () {
  const gh = useFakeGitHub({ tokens: [TOKEN, OTHER] });
  let lines: number;

  function client(extra: Partial<CreateGitHubOptions> = {}): Promise<GitHub> {
    return createGitHub({
      baseUrl: gh().url,
      token: TOKEN,
      logger: captureLogger(),
      timeoutMs: 5000,
      retry: { retries: 3, retryAfterBaseValueMs: 1 },
      throttle: { maxRetryAfterSeconds: 5, writeSpacingMs: 0 },
      ...extra,
    });
  }

  beforeEach(() => {
    gh().reset();
    gh().state.setUser({ login: 'mona', name: 'Mona Lisa' });
    gh().state.addRepo(repo);
    lines = logLines.length;
  });

  after(() => {
    // The token never shows: not in log lines, not in error messages, not in serialized errors.
    assert.ok(logLines.length > 20);
    for (const line of logLines) assert.ok(!line.includes(TOKEN), `token in log line: ${line}`);
    assert.ok(errors.length >= 8);
    for (const e of errors) {
      const text = `${String(e)}\n${JSON.stringify(e)}\n${inspect(e, { depth: 8 })}`;
      assert.ok(!text.includes(TOKEN), `token in error: ${text}`);
    }
  });

  it('reads the signed-in user and logs each request without credentials', async () => {
    const github = await client();
    assert.equal(github.baseUrl, gh().url);
    assert.deepEqual(await github.currentUser(), { login: 'mona', name: 'Mona Lisa' });
    const line = logLines.slice(lines).find((l) => l.includes('GET /user'));
    assert.match(line ?? '', /^debug GET \/user 200 \[\d+ms\]$/);
    assert.equal(gh().requests[0]?.headers.authorization, 'token [redacted]');
  });

  it('lists all open pull requests across pages', async () => {
    for (let i = 1; i <= 150; i++) gh().state.addPull('octo', 'app', { title: `PR ${i}`, head: { ref: `topic-${i}`, sha: 'a'.repeat(40) }, base: { ref: 'main' }, draft: i % 10 === 0 });
    gh().state.addPull('octo', 'app', { title: 'closed one', head: { ref: 'old', sha: 'b'.repeat(40) }, base: { ref: 'main' }, state: 'closed' });
    const github = await client();
    const pulls = await github.listOpenPullRequests(repo);
    assert.equal(pulls.length, 150);
    assert.deepEqual(new Set(pulls.map((p) => p.number)).size, 150);
    assert.ok(!pulls.some((p) => p.title === 'closed one'));
    const first = pulls.find((p) => p.title === 'PR 10')!;
    assert.equal(first.draft, true);
    assert.equal(first.headRef, 'topic-10');
    assert.equal(first.headSha, 'a'.repeat(40));
    assert.equal(first.baseRef, 'main');
    assert.match(first.url, /\/octo\/app\/pull\/\d+$/);
    assert.equal(typeof first.author, 'string');
    assert.ok(first.updatedAt);
    const listed = gh().requests.filter((r) => r.path === '/repos/octo/app/pulls');
    assert.equal(listed.length, 2);
    assert.deepEqual(listed.map((r) => r.query.per_page), ['100', '100']);
    // Listing again revalidates every page: both answer 304 and the result is the same.
    gh().requests.length = 0;
    const again = await github.listOpenPullRequests(repo);
    assert.deepEqual(again, pulls);
    assert.deepEqual(gh().requests.map((r) => r.status), [304, 304]);
  });

  it('lists 75 pull requests in one page', async () => {
    for (let i = 1; i <= 75; i++) gh().state.addPull('octo', 'app', { title: `PR ${i}`, head: { ref: `t${i}`, sha: 'c'.repeat(40) }, base: { ref: 'main' } });
    assert.equal((await (await client()).listOpenPullRequests(repo)).length, 75);
    assert.equal(gh().requests.filter((r) => r.path === '/repos/octo/app/pulls').length, 1);
  });

  it('combines commit statuses and check runs into the CI status of a ref', async () => {
    const sha = 'd'.repeat(40);
    gh().state.setCommitStatus('octo', 'app', sha, { state: 'success', context: 'ci/jenkins', target_url: 'https://ci.example/1' });
    gh().state.addCheckRun('octo', 'app', sha, { name: 'build', status: 'completed', conclusion: 'success' });
    gh().state.addCheckRun('octo', 'app', sha, { name: 'docs', status: 'completed', conclusion: 'skipped' });
    const github = await client();
    let ci = await github.ciStatus(repo, sha);
    assert.equal(ci.state, 'success');
    assert.deepEqual(ci.checks.map((c) => [c.kind, c.name, c.state]).sort(), [
      ['check', 'build', 'success'],
      ['check', 'docs', 'neutral'],
      ['status', 'ci/jenkins', 'success'],
    ]);
    gh().state.addCheckRun('octo', 'app', sha, { name: 'e2e', status: 'in_progress' });
    assert.equal((await github.ciStatus(repo, sha)).state, 'pending');
    gh().state.setCommitStatus('octo', 'app', sha, { state: 'failure', context: 'ci/lint' });
    ci = await github.ciStatus(repo, sha);
    assert.equal(ci.state, 'failure');
    assert.equal((await github.ciStatus(repo, 'e'.repeat(40))).state, 'none');
  });

  it('the same commit\'s CI twice: the 304 answer gives the same checks (paginate must not rewrite the cached body)', async () => {
    const sha = 'f'.repeat(40);
    gh().state.addCheckRun('octo', 'app', sha, { name: 'build', status: 'completed', conclusion: 'success' });
    const github = await client();
    const first = await github.ciStatus(repo, sha);
    const second = await github.ciStatus(repo, sha);
    assert.equal(gh().requests.filter((r) => r.path === `/repos/octo/app/commits/${sha}/check-runs` && r.headers['if-none-match']).length, 1, 'the second check-runs request was conditional');
    assert.deepEqual(second, first);
    assert.deepEqual(second.checks.map((c) => [c.name, c.state]), [['build', 'success']]);
  });

  it('answers a repeated request from the ETag cache: 304, no rate limit spent', async () => {
    for (let i = 1; i <= 3; i++) gh().state.addPull('octo', 'app', { title: `PR ${i}`, head: { ref: `t${i}`, sha: 'c'.repeat(40) }, base: { ref: 'main' } });
    const github = await client();
    const seen: RateLimitInfo[] = [];
    const unsubscribe = github.onRateLimit((info) => seen.push(info));
    const first = await github.listOpenPullRequests(repo);
    const remaining = github.rateLimit?.remaining;
    assert.ok(remaining !== undefined && remaining > 0);
    const second = await github.listOpenPullRequests(repo);
    assert.deepEqual(second, first);
    const [a, b] = gh().requests.filter((r) => r.path === '/repos/octo/app/pulls');
    assert.equal(a?.headers['if-none-match'], undefined);
    assert.match(b?.headers['if-none-match'] ?? '', /^".+"$/);
    assert.equal(b?.status, 304);
    assert.equal(github.rateLimit?.remaining, remaining);
    assert.equal(gh().rateLimit().remaining, remaining);
    assert.equal(seen.length, 2);
    assert.ok(logLines.slice(lines).some((l) => /GET \/repos\/octo\/app\/pulls\?.* 304 \(cached\)/.test(l)));
    // A change on the server is seen: new ETag, new body.
    gh().state.addPull('octo', 'app', { title: 'PR 4', head: { ref: 't4', sha: 'c'.repeat(40) }, base: { ref: 'main' } });
    assert.equal((await github.listOpenPullRequests(repo)).length, 4);
    unsubscribe();
    await github.currentUser();
    assert.equal(seen.length, 3);
  });

  it('does not share cached responses between tokens', async () => {
    const one = await client();
    const two = await client({ token: OTHER });
    await one.currentUser();
    await two.currentUser();
    assert.deepEqual(gh().requests.map((r) => r.headers['if-none-match']), [undefined, undefined]);
  });

  it('retries 500 and 502, then succeeds', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { status: 500 } }, { match: { path: '/user' }, respond: { status: 502 } });
    assert.equal((await (await client()).currentUser()).login, 'mona');
    assert.deepEqual(gh().requests.map((r) => r.status), [500, 502, 200]);
  });

  it('gives up with ServerError when 5xx persists', async () => {
    gh().faults.push({ match: { path: '/user' }, times: Infinity, respond: { status: 503 } });
    const e = await rejects((await client()).currentUser(), 'ServerError');
    assert.equal(e.details.status, 503);
    assert.equal(gh().requests.length, 4); // 1 + 3 retries
  });

  it('retries a 429 with retry-after', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { status: 429, retryAfter: 1 } });
    assert.equal((await (await client()).currentUser()).login, 'mona');
    assert.deepEqual(gh().requests.map((r) => r.status), [429, 200]);
  });

  it('retries a secondary rate limit with a short retry-after', async () => {
    gh().faults.push({ match: { path: '/user' }, times: 2, respond: { secondary: true, retryAfter: 2 } });
    assert.equal((await (await client()).currentUser()).login, 'mona');
    assert.deepEqual(gh().requests.map((r) => r.status), [403, 403, 200]);
  });

  it('fails with SecondaryRateLimit when GitHub asks for a long wait', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { secondary: true, retryAfter: 600 } });
    const e = await rejects((await client()).currentUser(), 'SecondaryRateLimit');
    assert.equal(e.details.retryAfterSeconds, 600);
    assert.equal(gh().requests.length, 1);
  });

  it('fails with RateLimited and the reset time when the primary limit is used up', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { primaryLimit: true } });
    const github = await client();
    const e = await rejects(github.currentUser(), 'RateLimited');
    assert.ok(e.details.resetAt && e.details.resetAt.getTime() > Date.now());
    assert.match(e.message, /^GitHub API rate limit reached; it resets at \d\d:\d\d\.$/);
    assert.equal(github.rateLimit?.remaining, 0);
    assert.equal(gh().requests.length, 1);
  });

  it('an exhausted limit on the server is RateLimited too', async () => {
    const resetAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3600_000);
    gh().setRateLimit({ remaining: 0, resetAt });
    const e = await rejects((await client()).listOpenPullRequests(repo), 'RateLimited');
    assert.equal(e.details.resetAt?.getTime(), resetAt.getTime());
  });

  it('tracks the rate limit of every response', async () => {
    gh().setRateLimit({ limit: 60, remaining: 42 });
    const github = await client();
    const rateLimit = () => github.rateLimit;
    assert.equal(rateLimit(), null);
    await github.currentUser();
    assert.equal(rateLimit()?.limit, 60);
    assert.equal(rateLimit()?.remaining, 41);
    assert.equal(rateLimit()?.used, 19);
    assert.equal(rateLimit()?.resource, 'core');
    await rejects(github.request('GET /repos/{owner}/{repo}', { owner: 'octo', repo: 'missing' }), 'NotFound');
    assert.equal(rateLimit()?.remaining, 40);
  });

  it('times out a slow response, without retrying', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { delayMs: 3000 } });
    const started = Date.now();
    const e = await rejects((await client({ timeoutMs: 150 })).currentUser(), 'Timeout');
    assert.ok(Date.now() - started < 2000);
    assert.match(e.message, /did not answer within 0\.2 s/);
    assert.equal(gh().requests.length, 1);
    assert.ok(logLines.slice(lines).some((l) => /GET \/user timed out/.test(l)));
  });

  it('lets one call wait longer than the default timeout', async () => {
    gh().faults.push({ match: { path: '/repos/octo/app' }, respond: { delayMs: 400 } });
    const github = await client({ timeoutMs: 150 });
    const r = await github.request<{ name: string }>('GET /repos/{owner}/{repo}', { ...repo, request: { timeoutMs: 5000 } });
    assert.equal(r.data.name, 'app');
  });

  it('reports a malformed JSON body as MalformedResponse', async () => {
    gh().faults.push({ match: { path: '/user' }, respond: { malformedJson: true } });
    await rejects((await client()).currentUser(), 'MalformedResponse');
  });

  it('reports an expired token as Unauthorized, without the token', async () => {
    const github = await client();
    await github.currentUser();
    gh().expireToken(TOKEN);
    const e = await rejects(github.currentUser(), 'Unauthorized');
    assert.equal(e.message, "GitHub rejected the token (401). Sign in again with 'SDLC: Sign in to GitHub'.");
    assert.equal(e.details.status, 401);
    assert.equal(gh().requests.length, 2); // 401 is not retried
  });

  it('without a token a 401 asks to sign in', async () => {
    const e = await rejects((await client({ token: undefined })).currentUser(), 'Unauthorized');
    assert.match(e.message, /Sign in with 'SDLC: Sign in to GitHub'/);
  });

  it('passes generic requests through with the same classification', async () => {
    const github = await client();
    const r = await github.request<{ full_name: string }>('GET /repos/{owner}/{repo}', repo);
    assert.equal(r.status, 200);
    assert.equal(r.data.full_name, 'octo/app');
    assert.equal(typeof r.headers.etag, 'string');
    const again = await github.request<{ full_name: string }>('GET /repos/{owner}/{repo}', repo);
    assert.equal(again.data.full_name, 'octo/app'); // from the cache after a 304
    assert.equal(gh().requests.at(-1)?.status, 304);
    await rejects(github.request('GET /repos/{owner}/{repo}', { owner: 'octo', repo: 'nope' }), 'NotFound');
  });

  it('reports an unreachable server as Network', async () => {
    const github = await client({ baseUrl: 'http://127.0.0.1:9' });
    const e = await rejects(github.currentUser(), 'Network');
    assert.match(e.message, /Could not reach GitHub/);
  });
});
