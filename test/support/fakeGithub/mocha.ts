/**
 * Mocha wiring: one fake GitHub per suite (or per file). After every test the recorded violations
 * are asserted empty — a test that made a request outside the description, or got an answer the
 * fake could not produce validly, fails with the list — then violations, requests and faults are
 * cleared (the state stays, so a suite can arrange it once in before()).
 */
import type { FakeGitHub, FakeGitHubOptions, Violation } from './server';
import { startFakeGitHub } from './server';

export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => `- ${v.kind} ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}${v.status ? ` → ${v.status}` : ''}: ${JSON.stringify(v.errors)}`)
    .join('\n');
}

/** Throws if the server recorded violations (and clears them so the next test starts clean). */
export function assertNoViolations(server: FakeGitHub): void {
  if (server.violations.length === 0) return;
  const message = `fake GitHub recorded ${server.violations.length} violation(s) of GitHub's OpenAPI description:\n${formatViolations(server.violations)}`;
  server.violations.length = 0;
  throw new Error(message);
}

/** Starts a fake GitHub in before(), checks + clears it in afterEach(), closes it in after(). */
export function useFakeGitHub(options: FakeGitHubOptions = {}): () => FakeGitHub {
  let server: FakeGitHub | undefined;
  before(async function () {
    this.timeout(20000);
    server = await startFakeGitHub(options);
  });
  afterEach(function () {
    if (!server) return;
    const s = server;
    try {
      assertNoViolations(s);
    } finally {
      s.requests.length = 0;
      s.faults.length = 0;
    }
  });
  after(async () => {
    await server?.close();
    server = undefined;
  });
  return () => {
    if (!server) throw new Error('useFakeGitHub: the server is not started yet (use it inside tests or hooks)');
    return server;
  };
}
