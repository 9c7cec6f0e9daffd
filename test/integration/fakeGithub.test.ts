import * as assert from 'node:assert/strict';
import type { Octokit as OctokitType } from 'octokit' with { 'resolution-mode': 'import' };
import { assertNoViolations, startFakeGitHub, useFakeGitHub } from '../support/fakeGithub';
import type { FakeGitHub } from '../support/fakeGithub';

type OctokitCtor = typeof OctokitType;
let Octokit: OctokitCtor;

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

/** octokit against the fake, throttling and retries off unless asked for. */
function client(gh: FakeGitHub, opts: { auth?: string; retries?: number } = {}): OctokitType {
  return new Octokit({
    baseUrl: gh.url,
    auth: opts.auth ?? 't1',
    throttle: { enabled: false },
    retry: opts.retries ? { enabled: true, retries: opts.retries, retryAfterBaseValue: 1 } : { enabled: false },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
}

function get(gh: FakeGitHub, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gh.url + path, { headers: { authorization: 'token t1', ...headers } });
}

/** Takes the recorded violations (so the afterEach check passes) and returns them. */
function takeViolations(gh: FakeGitHub) {
  return gh.violations.splice(0);
}

before(async () => {
  ({ Octokit } = await import('octokit'));
});

describe('fake GitHub (spec-validated)', () => {
  const gh = useFakeGitHub({ tokens: ['t1', 't2'] });

  beforeEach(() => {
    gh().state.reset();
    gh().setRateLimit({ remaining: 5000 });
    const s = gh().state;
    s.setUser({ login: 'mona', name: 'Mona Lisa' });
    s.addRepo({ owner: 'octo', repo: 'app', headSha: SHA_B });
    s.addBranch('octo', 'app', { name: 'feat/x', sha: SHA_A });
    s.addTag('octo', 'app', { name: 'v1.0.0', sha: SHA_B });
    s.addPull('octo', 'app', { title: 'Add x', head: { ref: 'feat/x', sha: SHA_A }, base: { ref: 'main' }, draft: true });
  });

  describe('endpoints octokit can read', () => {
    it('GET /user', async () => {
      const { data } = await client(gh()).rest.users.getAuthenticated();
      assert.equal(data.login, 'mona');
      assert.equal(data.name, 'Mona Lisa');
    });

    it('GET /repos/{owner}/{repo}, branches, tags', async () => {
      const o = client(gh());
      const { data: repo } = await o.rest.repos.get({ owner: 'octo', repo: 'app' });
      assert.equal(repo.full_name, 'octo/app');
      assert.equal(repo.default_branch, 'main');
      assert.equal(repo.owner.login, 'octo');
      assert.ok(repo.url.startsWith(gh().url));
      const { data: branches } = await o.rest.repos.listBranches({ owner: 'octo', repo: 'app' });
      assert.deepEqual(
        branches.map((b) => [b.name, b.commit.sha]),
        [
          ['feat/x', SHA_A],
          ['main', SHA_B],
        ],
      );
      const { data: tags } = await o.rest.repos.listTags({ owner: 'octo', repo: 'app' });
      assert.deepEqual(
        tags.map((t) => [t.name, t.commit.sha]),
        [['v1.0.0', SHA_B]],
      );
    });

    it('pulls: list with filters, get', async () => {
      const s = gh().state;
      s.addPull('octo', 'app', { title: 'Old', head: { ref: 'old', sha: SHA_B }, base: { ref: 'main' }, state: 'closed' });
      s.addPull('octo', 'app', { title: 'To dev', head: { ref: 'y', sha: SHA_B }, base: { ref: 'dev' }, user: 'hubot' });
      const o = client(gh());
      const open = (await o.rest.pulls.list({ owner: 'octo', repo: 'app' })).data;
      assert.deepEqual(
        open.map((p) => p.number),
        [3, 1],
      ); // created desc
      const asc = (await o.rest.pulls.list({ owner: 'octo', repo: 'app', state: 'all', sort: 'created', direction: 'asc' })).data;
      assert.deepEqual(
        asc.map((p) => p.number),
        [1, 2, 3],
      );
      const closed = (await o.rest.pulls.list({ owner: 'octo', repo: 'app', state: 'closed' })).data;
      assert.deepEqual(
        closed.map((p) => p.title),
        ['Old'],
      );
      const byHead = (await o.rest.pulls.list({ owner: 'octo', repo: 'app', head: 'octo:feat/x' })).data;
      assert.deepEqual(
        byHead.map((p) => p.number),
        [1],
      );
      const byBase = (await o.rest.pulls.list({ owner: 'octo', repo: 'app', base: 'dev' })).data;
      assert.deepEqual(
        byBase.map((p) => p.user?.login),
        ['hubot'],
      );
      const { data: pr } = await o.rest.pulls.get({ owner: 'octo', repo: 'app', pull_number: 1 });
      assert.equal(pr.title, 'Add x');
      assert.equal(pr.draft, true);
      assert.equal(pr.head.ref, 'feat/x');
      assert.equal(pr.head.sha, SHA_A);
      assert.equal(pr.base.ref, 'main');
      assert.equal(pr.base.sha, SHA_B);
      assert.equal(await status(o.rest.pulls.get({ owner: 'octo', repo: 'app', pull_number: 99 })), 404);
    });

    it('combined status aggregates like GitHub (failure/error > pending > success; none → pending)', async () => {
      const s = gh().state;
      const o = client(gh());
      const combined = async (ref: string) => (await o.rest.repos.getCombinedStatusForRef({ owner: 'octo', repo: 'app', ref })).data;

      const none = await combined(SHA_A);
      assert.equal(none.state, 'pending');
      assert.equal(none.total_count, 0);

      s.setCommitStatus('octo', 'app', SHA_A, { state: 'success', context: 'ci/build', target_url: 'https://ci.example.com/1' });
      assert.equal((await combined(SHA_A)).state, 'success');
      s.setCommitStatus('octo', 'app', SHA_A, { state: 'pending', context: 'ci/test' });
      assert.equal((await combined(SHA_A)).state, 'pending');
      s.setCommitStatus('octo', 'app', SHA_A, { state: 'error', context: 'ci/lint' });
      assert.equal((await combined(SHA_A)).state, 'failure');
      // the latest status per context wins
      s.setCommitStatus('octo', 'app', SHA_A, { state: 'success', context: 'ci/lint' });
      s.setCommitStatus('octo', 'app', SHA_A, { state: 'success', context: 'ci/test' });
      const all = await combined('feat/x'); // a branch name resolves to its head
      assert.equal(all.state, 'success');
      assert.equal(all.total_count, 3);
      assert.equal(all.sha, SHA_A);
      assert.equal(all.statuses.find((x) => x.context === 'ci/build')?.target_url, 'https://ci.example.com/1');
    });

    it('check runs for a ref', async () => {
      const s = gh().state;
      s.addCheckRun('octo', 'app', SHA_A, { name: 'build', status: 'completed', conclusion: 'failure' });
      s.addCheckRun('octo', 'app', SHA_A, { name: 'build', status: 'completed', conclusion: 'success' });
      s.addCheckRun('octo', 'app', SHA_A, { name: 'e2e', status: 'in_progress' });
      const o = client(gh());
      const { data } = await o.rest.checks.listForRef({ owner: 'octo', repo: 'app', ref: 'feat/x' });
      assert.equal(data.total_count, 2);
      assert.deepEqual(
        data.check_runs.map((c) => [c.name, c.status, c.conclusion]).sort(),
        [
          ['build', 'completed', 'success'],
          ['e2e', 'in_progress', null],
        ],
      );
      const { data: every } = await o.rest.checks.listForRef({ owner: 'octo', repo: 'app', ref: SHA_A, filter: 'all' });
      assert.equal(every.total_count, 3);
    });

    it('GET /rate_limit reports the counters and does not consume them', async () => {
      const o = client(gh());
      const first = (await o.rest.rateLimit.get()).data;
      const second = (await o.rest.rateLimit.get()).data;
      assert.equal(first.resources.core.limit, 5000);
      assert.equal(second.rate.remaining, first.rate.remaining);
    });
  });

  describe('validation against the description', () => {
    it('a request outside the description answers 422 and is recorded', async () => {
      const res = await get(gh(), '/repos/octo/app/pulls?per_page=abc');
      assert.equal(res.status, 422);
      const body = (await res.json()) as { message: string; errors: Array<{ instancePath: string }> };
      assert.equal(body.message, 'Validation Failed');
      assert.ok(body.errors.some((e) => e.instancePath === '/query/per_page'));

      // an invalid enum through octokit
      const st = await status(client(gh()).request('GET /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'app', state: 'bogus' as 'open' }));
      assert.equal(st, 422);
      // an unknown query parameter
      assert.equal((await get(gh(), '/repos/octo/app/pulls?colour=red')).status, 422);

      const v = takeViolations(gh());
      assert.equal(v.length, 3);
      assert.ok(v.every((x) => x.kind === 'request' && x.operationId === 'pulls/list' && x.method === 'GET' && x.errors.length > 0));
      assert.equal(v[0]?.path, '/repos/octo/app/pulls');
    });

    it('a response outside the description answers 500 and is recorded', async () => {
      gh().state.debugCorruptNext = true;
      assert.equal(await status(client(gh()).rest.repos.get({ owner: 'octo', repo: 'app' })), 500);
      // only the next response is corrupted
      assert.equal(await status(client(gh()).rest.repos.get({ owner: 'octo', repo: 'app' })), 200);
      gh().state.debugCorruptNext = (body) => ({ ...(body as object), state: 'maybe' });
      assert.equal(await status(client(gh()).rest.pulls.get({ owner: 'octo', repo: 'app', pull_number: 1 })), 500);
      const v = takeViolations(gh());
      assert.deepEqual(
        v.map((x) => [x.kind, x.operationId, x.status]),
        [
          ['response', 'repos/get', 200],
          ['response', 'pulls/get', 200],
        ],
      );
    });

    it('an operation of the description the fake does not implement answers 501', async () => {
      assert.equal(await status(client(gh()).rest.issues.listForRepo({ owner: 'octo', repo: 'app' })), 501);
      const v = takeViolations(gh());
      assert.deepEqual(
        v.map((x) => [x.kind, x.operationId]),
        [['unimplemented', 'issues/list-for-repo']],
      );
    });

    it('unknown paths and repositories answer 404 like GitHub', async () => {
      const res = await get(gh(), '/no/such/thing');
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
      assert.equal(await status(client(gh()).rest.repos.get({ owner: 'octo', repo: 'nope' })), 404);
    });

    it('assertNoViolations lists what was recorded', async () => {
      await get(gh(), '/repos/octo/app/pulls?state=bogus');
      assert.throws(() => assertNoViolations(gh()), /1 violation.*\n- request GET \/repos\/octo\/app\/pulls \(pulls\/list\)/);
      assert.equal(gh().violations.length, 0);
    });
  });

  describe('headers, ETag, pagination', () => {
    it('every response carries rate-limit headers; remaining decrements per request', async () => {
      const a = await get(gh(), '/repos/octo/app');
      const b = await get(gh(), '/repos/octo/app');
      for (const r of [a, b]) {
        assert.equal(r.headers.get('x-ratelimit-limit'), '5000');
        assert.equal(r.headers.get('x-ratelimit-resource'), 'core');
        assert.match(r.headers.get('x-ratelimit-reset') ?? '', /^\d+$/);
        assert.match(r.headers.get('x-github-request-id') ?? '', /\S/);
        assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      }
      assert.equal(Number(a.headers.get('x-ratelimit-remaining')) - 1, Number(b.headers.get('x-ratelimit-remaining')));
      assert.equal(Number(b.headers.get('x-ratelimit-used')), Number(a.headers.get('x-ratelimit-used')) + 1);
      assert.notEqual(a.headers.get('x-github-request-id'), b.headers.get('x-github-request-id'));
    });

    it('If-None-Match with the ETag answers 304 without a body and without consuming the rate limit', async () => {
      const first = await get(gh(), '/repos/octo/app/pulls');
      const etag = first.headers.get('etag');
      assert.match(etag ?? '', /^"[0-9a-f]+"$/); // strong ETag
      const second = await get(gh(), '/repos/octo/app/pulls', { 'if-none-match': etag! });
      assert.equal(second.status, 304);
      assert.equal(await second.text(), '');
      assert.equal(second.headers.get('etag'), etag);
      assert.equal(second.headers.get('x-ratelimit-remaining'), first.headers.get('x-ratelimit-remaining'));
      // octokit surfaces a 304 as an error with status 304
      assert.equal(await status(client(gh()).request('GET /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'app', headers: { 'if-none-match': etag! } })), 304);
      // a change of state changes the ETag
      gh().state.addPull('octo', 'app', { title: 'New', head: { ref: 'n', sha: SHA_B }, base: { ref: 'main' } });
      const third = await get(gh(), '/repos/octo/app/pulls', { 'if-none-match': etag! });
      assert.equal(third.status, 200);
      assert.notEqual(third.headers.get('etag'), etag);
      assert.deepEqual(
        gh().requests.map((r) => r.status),
        [200, 304, 304, 200],
      );
      assert.equal(gh().requests[1]?.headers['if-none-match'], etag);
    });

    it('Link headers with absolute URLs; octokit.paginate gets all 75 pulls with per_page 30', async () => {
      const s = gh().state;
      for (let i = 0; i < 74; i++) s.addPull('octo', 'app', { title: `PR ${i}`, head: { ref: `b${i}`, sha: SHA_A }, base: { ref: 'main' } });
      const page2 = await get(gh(), '/repos/octo/app/pulls?per_page=30&page=2&state=open');
      const link = page2.headers.get('link') ?? '';
      const rels = Object.fromEntries([...link.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], m[1]]));
      assert.deepEqual(Object.keys(rels).sort(), ['first', 'last', 'next', 'prev']);
      assert.equal(rels.next, `${gh().url}/repos/octo/app/pulls?per_page=30&page=3&state=open`);
      assert.equal(rels.last, `${gh().url}/repos/octo/app/pulls?per_page=30&page=3&state=open`);
      assert.equal(rels.prev, `${gh().url}/repos/octo/app/pulls?per_page=30&page=1&state=open`);
      assert.equal(rels.first, `${gh().url}/repos/octo/app/pulls?per_page=30&page=1&state=open`);
      const last = await get(gh(), '/repos/octo/app/pulls?per_page=30&page=3');
      assert.equal(((await last.json()) as unknown[]).length, 15);
      assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
      // per_page above 100 is capped like GitHub; default 30
      assert.equal(((await (await get(gh(), '/repos/octo/app/pulls?per_page=500')).json()) as unknown[]).length, 75);
      assert.equal(((await (await get(gh(), '/repos/octo/app/pulls')).json()) as unknown[]).length, 30);

      gh().requests.length = 0;
      const all = await client(gh()).paginate(client(gh()).rest.pulls.list, { owner: 'octo', repo: 'app', per_page: 30 });
      assert.equal(all.length, 75);
      assert.equal(new Set(all.map((p) => p.number)).size, 75);
      assert.deepEqual(
        gh().requests.map((r) => r.query.page ?? '1'),
        ['1', '2', '3'],
      );
    });
  });

  describe('fault injection', () => {
    it('500 / 502 / 503, matched by method and path (string or RegExp), `times` requests', async () => {
      const g = gh();
      g.faults.push({ match: { method: 'GET', path: '/repos/octo/app' }, respond: { status: 502 } });
      g.faults.push({ match: { path: /\/pulls$/ }, times: 2, respond: { status: 503 } });
      g.faults.push({ match: { method: 'POST' }, respond: { status: 500 } });
      assert.equal((await get(g, '/repos/octo/app')).status, 502);
      assert.equal((await get(g, '/repos/octo/app')).status, 200);
      assert.equal((await get(g, '/repos/octo/app/pulls')).status, 503);
      assert.equal((await get(g, '/repos/octo/app/pulls')).status, 503);
      assert.equal((await get(g, '/repos/octo/app/pulls')).status, 200);
      assert.equal(g.faults.length, 1); // the POST fault is still waiting
      assert.deepEqual(
        g.requests.map((r) => [r.status, r.fault]),
        [
          [502, 'status'],
          [200, undefined],
          [503, 'status'],
          [503, 'status'],
          [200, undefined],
        ],
      );
    });

    it('octokit retries a 500 and then succeeds (requests logged)', async () => {
      gh().faults.push({ match: { path: '/user' }, respond: { status: 500 } });
      const { data } = await client(gh(), { retries: 2 }).rest.users.getAuthenticated();
      assert.equal(data.login, 'mona');
      assert.deepEqual(
        gh().requests.map((r) => r.status),
        [500, 200],
      );
    });

    it('429 with retry-after', async () => {
      gh().faults.push({ match: { path: '/user' }, respond: { status: 429, retryAfter: 7 } });
      const res = await get(gh(), '/user');
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(gh().requests[0]?.fault, 'retryAfter');
    });

    it('secondary rate limit: 403 with retry-after', async () => {
      gh().faults.push({ match: {}, respond: { secondary: true, retryAfter: 3 } });
      const res = await get(gh(), '/user');
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('retry-after'), '3');
      assert.notEqual(res.headers.get('x-ratelimit-remaining'), '0');
      assert.match(((await res.json()) as { message: string }).message, /You have exceeded a secondary rate limit/);
    });

    it('primary rate limit: 403 with x-ratelimit-remaining 0 and a reset in the future', async () => {
      gh().faults.push({ match: {}, respond: { primaryLimit: true } });
      const res = await get(gh(), '/user');
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(Number(res.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
      assert.match(((await res.json()) as { message: string }).message, /API rate limit exceeded/);
      assert.equal((await get(gh(), '/user')).status, 200);
    });

    it('an exhausted rate limit answers 403 until the reset', async () => {
      gh().setRateLimit({ remaining: 1 });
      const last = await get(gh(), '/user');
      assert.equal(last.status, 200);
      assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
      const denied = await get(gh(), '/user');
      assert.equal(denied.status, 403);
      assert.equal(denied.headers.get('x-ratelimit-remaining'), '0');
      gh().setRateLimit({ remaining: 5000 });
    });

    it('slow responses: answered after the delay; a client timeout gives up first', async () => {
      gh().faults.push({ match: { path: '/user' }, respond: { delayMs: 150 } });
      const started = Date.now();
      const res = await get(gh(), '/user');
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started >= 140, `answered after ${Date.now() - started} ms`);
      assert.equal(gh().requests[0]?.fault, 'delay');

      gh().faults.push({ match: { path: '/user' }, respond: { delayMs: 2000 } });
      await assert.rejects(fetch(`${gh().url}/user`, { headers: { authorization: 'token t1' }, signal: AbortSignal.timeout(50) }), /TimeoutError|aborted/);
    });

    it('malformed JSON: 200 with a truncated body', async () => {
      gh().faults.push({ match: { path: '/user' }, respond: { malformedJson: true } });
      const res = await get(gh(), '/user');
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '{"truncated":');
      // octokit hands the unparsable text through as `data` (the adapter must classify it)
      gh().faults.push({ match: { path: '/user' }, respond: { malformedJson: true } });
      const { data } = await client(gh()).request('GET /user');
      assert.equal(data as unknown, '{"truncated":');
    });
  });

  describe('auth', () => {
    it('missing, unknown and expired tokens answer 401 Bad credentials', async () => {
      const g = gh();
      const noToken = await fetch(`${g.url}/user`);
      assert.equal(noToken.status, 401);
      const body = (await noToken.json()) as { message: string; documentation_url: string };
      assert.equal(body.message, 'Bad credentials');
      assert.ok(body.documentation_url);
      assert.equal((await get(g, '/user', { authorization: 'token nope' })).status, 401);
      assert.equal((await get(g, '/user', { authorization: 'Bearer t2' })).status, 200);
      assert.equal(await status(client(g, { auth: 't2' }).rest.users.getAuthenticated()), 200);
      g.expireToken('t2');
      assert.equal(await status(client(g, { auth: 't2' }).rest.users.getAuthenticated()), 401);
      assert.equal((await get(g, '/repos/octo/app')).status, 200); // t1 still fine
      g.addToken('t2');
    });

    it('the request log redacts tokens', async () => {
      await get(gh(), '/repos/octo/app', { authorization: 'token t1' });
      const entry = gh().requests[0];
      assert.equal(entry?.headers.authorization, 'token [redacted]');
      assert.ok(!JSON.stringify(gh().requests).includes('t1"'));
      assert.equal(entry?.operationId, 'repos/get');
    });
  });
});

describe('fake GitHub lifecycle', () => {
  let g: FakeGitHub | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('starts in a few ms once the description is loaded; without tokens anonymous requests pass', async () => {
    const started = Date.now();
    g = await startFakeGitHub({ rateLimit: 60 });
    assert.ok(Date.now() - started < 200, `started in ${Date.now() - started} ms`);
    assert.match(g.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    g.state.addRepo({ owner: 'octo', repo: 'app' });
    const res = await fetch(`${g.url}/repos/octo/app`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-ratelimit-limit'), '60');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '59');
    // GET /user needs a token even then, like GitHub
    assert.equal((await fetch(`${g.url}/user`)).status, 401);
    g.expireToken('old');
    assert.equal((await fetch(`${g.url}/repos/octo/app`, { headers: { authorization: 'token old' } })).status, 401);
    assert.equal((await fetch(`${g.url}/repos/octo/app`, { headers: { authorization: 'token any' } })).status, 200);
    assert.deepEqual(g.violations, []);
  });

  it('reset() clears state, faults, logs and counters', async () => {
    g = await startFakeGitHub({ tokens: ['t1'] });
    g.state.addRepo({ owner: 'octo', repo: 'app' });
    g.faults.push({ match: { path: '/nothing' }, respond: { status: 500 } });
    g.expireToken('t1');
    await fetch(`${g.url}/repos/octo/app?bad=1`, { headers: { authorization: 'token t1' } });
    g.reset();
    assert.equal(g.requests.length, 0);
    assert.equal(g.faults.length, 0);
    assert.equal(g.violations.length, 0);
    assert.equal(g.state.repo('octo', 'app'), undefined);
    const res = await fetch(`${g.url}/repos/octo/app`, { headers: { authorization: 'token t1' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-ratelimit-remaining'), '4999');
  });
});
