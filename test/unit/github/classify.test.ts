import * as assert from 'node:assert/strict';
import { briefGitHubMessage, classifyGitHubError } from '../../../src/core/github/classify';
import { GitHubError, type GitHubErrorCode } from '../../../src/core/github/github';

/** Shaped like octokit's RequestError: status, request, response with headers. */
function httpError(status: number, headers: Record<string, string> = {}, data: unknown = { message: 'whatever GitHub says' }) {
  const e = new Error(typeof data === 'object' && data && 'message' in data ? String((data as { message: unknown }).message) : 'error') as Error & Record<string, unknown>;
  e.name = 'HttpError';
  e.status = status;
  e.request = { method: 'GET', url: 'https://api.github.com/repos/o/r/pulls?state=open', headers: { authorization: 'token [REDACTED]' } };
  e.response = { status, url: 'https://api.github.com/repos/o/r/pulls', headers, data };
  return e;
}

const resetEpoch = Math.floor(Date.UTC(2025, 5, 1, 14, 5, 0) / 1000);

const table: Array<[string, unknown, GitHubErrorCode]> = [
  ['401', httpError(401), 'Unauthorized'],
  ['403 remaining 0', httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetEpoch) }), 'RateLimited'],
  ['429 remaining 0', httpError(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetEpoch) }), 'RateLimited'],
  ['403 retry-after', httpError(403, { 'retry-after': '30', 'x-ratelimit-remaining': '4000' }), 'SecondaryRateLimit'],
  ['429 retry-after', httpError(429, { 'retry-after': '7' }), 'SecondaryRateLimit'],
  ['429 bare', httpError(429), 'SecondaryRateLimit'],
  ['403 with remaining > 0, no retry-after', httpError(403, { 'x-ratelimit-remaining': '10' }), 'Forbidden'],
  ['403 mentioning rate limits only in the text', httpError(403, {}, { message: 'You have exceeded a secondary rate limit' }), 'Forbidden'],
  ['404', httpError(404), 'NotFound'],
  ['409', httpError(409), 'Conflict'],
  ['422', httpError(422, {}, { message: 'Validation Failed', errors: [{ resource: 'Release', field: 'tag_name', code: 'already_exists' }] }), 'ValidationFailed'],
  ['500', httpError(500), 'ServerError'],
  ['502', httpError(502), 'ServerError'],
  ['503', httpError(503), 'ServerError'],
  ['400', httpError(400), 'Unknown'],
  ['410', httpError(410), 'Unknown'],
  ['network (octokit: 500 without response)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'HttpError', status: 500 }), 'Network'],
  ['plain TypeError from fetch', Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND api.github.invalid') }), 'Network'],
  ['AbortError', Object.assign(new Error('aborted'), { name: 'AbortError', status: 500 }), 'Timeout'],
  ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'Timeout'],
  ['TimeoutError as the cause', Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('t'), { name: 'TimeoutError' }) }), 'Timeout'],
  ['JSON SyntaxError', new SyntaxError('Unexpected end of JSON input'), 'MalformedResponse'],
  ['a string', 'something odd', 'Network'],
];

describe('classifyGitHubError', () => {
  for (const [name, error, code] of table) {
    it(`${name} → ${code}`, () => {
      const c = classifyGitHubError(error);
      assert.ok(c instanceof GitHubError);
      assert.equal(c.githubCode, code);
      assert.equal(c.code, code);
      assert.ok(c.message.length > 10);
    });
  }

  it('keeps the status, request id and cause', () => {
    const e = httpError(404, { 'x-github-request-id': 'ABCD:1234' });
    const c = classifyGitHubError(e);
    assert.equal(c.details.status, 404);
    assert.equal(c.details.requestId, 'ABCD:1234');
    assert.equal(c.details.cause, e);
    assert.match(c.message, /GET \/repos\/o\/r\/pulls/);
  });

  it('RateLimited carries resetAt and says when it resets', () => {
    const c = classifyGitHubError(httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetEpoch) }));
    assert.equal(c.details.resetAt?.getTime(), resetEpoch * 1000);
    const local = new Date(resetEpoch * 1000);
    const hhmm = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
    assert.equal(c.message, `GitHub API rate limit reached; it resets at ${hhmm}.`);
  });

  it('SecondaryRateLimit carries retryAfterSeconds (60 when GitHub gave none)', () => {
    assert.equal(classifyGitHubError(httpError(403, { 'retry-after': '30' })).details.retryAfterSeconds, 30);
    assert.equal(classifyGitHubError(httpError(429)).details.retryAfterSeconds, 60);
  });

  it('Unauthorized tells how to sign in, differently when no token was sent', () => {
    assert.equal(classifyGitHubError(httpError(401)).message, "GitHub rejected the token (401). Sign in again with 'SDLC: Sign in to GitHub'.");
    assert.match(classifyGitHubError(httpError(401), { authenticated: false }).message, /Sign in with 'SDLC: Sign in to GitHub'/);
  });

  it('ValidationFailed includes GitHub field errors', () => {
    const c = classifyGitHubError(httpError(422, {}, { message: 'Validation Failed', errors: [{ resource: 'Release', field: 'tag_name', code: 'already_exists' }] }));
    assert.match(c.message, /Validation Failed \(tag_name already_exists\)/);
  });

  it('headers are matched case-insensitively', () => {
    assert.equal(classifyGitHubError(httpError(403, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetEpoch) })).githubCode, 'RateLimited');
  });

  it('returns a GitHubError unchanged', () => {
    const g = new GitHubError('Conflict', 'x');
    assert.equal(classifyGitHubError(g), g);
  });

  it('removes secrets from text copied out of a response', () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const c = classifyGitHubError(httpError(422, {}, { message: `bad value ${token}` }), { secrets: [token] });
    assert.ok(!c.message.includes(token));
    const n = classifyGitHubError(Object.assign(new Error(`connect to https://x:${token}@host failed`), { name: 'HttpError', status: 500 }), { secrets: [token] });
    assert.ok(!n.message.includes(token), n.message);
  });
});

describe('briefGitHubMessage', () => {
  it('drops the request and the trailing advice of a classified error, keeps what happened', () => {
    const e = classifyGitHubError(httpError(502));
    assert.match(e.message, /\(GET \/repos\/o\/r\/pulls\)/, 'the full message names the request');
    assert.equal(briefGitHubMessage(e.message), 'GitHub had a server error (502)');
  });

  it('leaves other messages as they are', () => {
    assert.equal(briefGitHubMessage('.sdlc.json: environments[0].name must be a string'), '.sdlc.json: environments[0].name must be a string');
  });
});
