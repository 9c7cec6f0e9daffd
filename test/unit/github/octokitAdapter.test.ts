import * as assert from 'node:assert/strict';
import { GitHubError } from '../../../src/core/github/github';
import { createGitHub } from '../../../src/core/github/octokitAdapter';
import { FakeClock, settle } from './fakeClock';

const TOKEN = 'unit-secret-token-5d1c2b3a';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  at: number;
}

/** A fetch that answers from a function and records what it was asked. */
function stubFetch(answer: (req: Seen) => Response) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const req = { method: init?.method ?? 'GET', url: String(input), headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])), at: performance.now() };
    seen.push(req);
    return answer(req);
  }) as typeof fetch;
  return { seen, fetchImpl };
}

const json = (body: unknown, headers: Record<string, string> = {}, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

describe('GitHub adapter (stubbed fetch)', () => {
  const lines: string[] = [];
  const logger = { trace() {}, debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string | Error) => lines.push(String(m)) };
  const base = { baseUrl: 'https://ghe.example.com/api/v3/', token: TOKEN, logger, retry: { retries: 2, retryAfterBaseValueMs: 1 }, throttle: { writeSpacingMs: 0 } };

  afterEach(() => {
    for (const line of lines) assert.ok(!line.includes(TOKEN), line);
    lines.length = 0;
  });

  it('uses the API base without a trailing slash and sends the token only in the header', async () => {
    const { seen, fetchImpl } = stubFetch(() => json({ login: 'me', name: 'Me' }));
    const github = await createGitHub({ ...base, fetch: fetchImpl });
    assert.equal(github.baseUrl, 'https://ghe.example.com/api/v3');
    assert.deepEqual(await github.currentUser(), { login: 'me', name: 'Me' });
    assert.equal(seen[0]?.url, 'https://ghe.example.com/api/v3/user');
    assert.equal(seen[0]?.headers.authorization, `token ${TOKEN}`);
    assert.match(lines.join('\n'), /GET \/api\/v3\/user 200 \[\d+ms\]/);
  });

  it('defaults to api.github.com', async () => {
    const { seen, fetchImpl } = stubFetch(() => json({ login: 'me' }));
    const github = await createGitHub({ fetch: fetchImpl });
    assert.equal(github.baseUrl, 'https://api.github.com');
    assert.deepEqual(await github.currentUser(), { login: 'me', name: null });
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  it('never makes writes conditional and never serves them from the cache', async () => {
    const { seen, fetchImpl } = stubFetch((r) => json({ n: seen.length }, { etag: '"same"' }, r.method === 'POST' ? 201 : 200));
    const github = await createGitHub({ ...base, fetch: fetchImpl });
    const a = await github.request<{ n: number }>('POST /repos/{owner}/{repo}/issues', { owner: 'o', repo: 'r', title: 'x' });
    const b = await github.request<{ n: number }>('POST /repos/{owner}/{repo}/issues', { owner: 'o', repo: 'r', title: 'x' });
    assert.deepEqual([a.data.n, b.data.n], [1, 2]);
    assert.ok(seen.every((r) => r.headers['if-none-match'] === undefined));
  });

  it('spaces writes apart as configured', async () => {
    // Virtual time (Date.now and setTimeout of the adapter's spacer): time moves only when the
    // earliest pending timer is due, so the gaps measured are the spacing the mechanism chose, exactly,
    // however slow or loaded the machine is (a wall-clock measurement once saw 46.9 ms < 50 ms).
    // It starts at the real time: plugin-throttling's process-wide Bottleneck keeps times of its own.
    const clock = new FakeClock(Date.now());
    const real = { now: Date.now, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    const starts: number[] = [];
    const github = await createGitHub({
      ...base,
      fetch: (async () => {
        starts.push(Date.now());
        return json({}, {}, 201);
      }) as typeof fetch,
      throttle: { writeSpacingMs: 60 },
    });
    Date.now = () => clock.now();
    globalThis.setTimeout = ((callback: () => void, ms?: number) => clock.setTimeout(callback, ms ?? 0)) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((handle: unknown) => clock.clearTimeout(handle)) as typeof clearTimeout;
    try {
      let done = 0;
      const writes = [1, 2, 3].map((i) => github.request('POST /repos/{owner}/{repo}/labels', { owner: 'o', repo: 'r', name: `l${i}` }).finally(() => done++));
      for (let turns = 0; done < writes.length && turns < 1000; turns++) {
        await settle();
        const next = clock.nextTimerAt();
        if (next !== undefined) await clock.advance(Math.max(0, next - clock.now()));
      }
      await Promise.all(writes);
    } finally {
      Object.assign(globalThis, { setTimeout: real.setTimeout, clearTimeout: real.clearTimeout });
      Date.now = real.now;
    }
    assert.equal(starts.length, 3);
    assert.deepEqual(starts.slice(1).map((t, i) => t - starts[i]!), [60, 60]);
  });

  it('accepts a JSON document that is a string and an empty body', async () => {
    const { fetchImpl } = stubFetch((r) => (r.url.endsWith('/zen') ? json('Keep it logically awesome.') : new Response('', { status: 202, headers: { 'content-type': 'application/json' } })));
    const github = await createGitHub({ ...base, fetch: fetchImpl });
    assert.equal((await github.request<string>('GET /zen')).data, 'Keep it logically awesome.');
    assert.equal((await github.request('POST /repos/{owner}/{repo}/dispatches', { owner: 'o', repo: 'r', event_type: 'x' })).status, 202);
  });

  it('rejects a body that is not JSON under a JSON content type', async () => {
    const { fetchImpl } = stubFetch(() => new Response('<html>proxy error</html>', { status: 200, headers: { 'content-type': 'application/json' } }));
    const github = await createGitHub({ ...base, fetch: fetchImpl });
    await assert.rejects(github.currentUser(), (e: unknown) => e instanceof GitHubError && e.githubCode === 'MalformedResponse');
  });

  it('a throwing rate-limit listener does not break requests', async () => {
    const { fetchImpl } = stubFetch(() => json({ login: 'me' }, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '2000000000' }));
    const github = await createGitHub({ ...base, fetch: fetchImpl });
    github.onRateLimit(() => {
      throw new Error('listener bug');
    });
    assert.equal((await github.currentUser()).login, 'me');
    assert.equal(github.rateLimit?.remaining, 4999);
    assert.equal(github.rateLimit?.used, 1);
    assert.ok(lines.some((l) => l.includes('listener bug')));
  });
});
