// Mocha for the extension host. Imported FIRST by test/extension/index.ts: creating Mocha and
// emitting 'pre-require' defines describe/it/before… on globalThis, so the suite modules that
// index.ts imports after this one register their tests while they are evaluated (ES imports run
// in order; esbuild keeps that order in the bundle).
// When the bundle is loaded as a mocha *file* by @vscode/test-cli's runner (test/harness/vscode-test.config.mjs),
// that runner has already defined the globals: then the suites join its Mocha and run() is unused.
import * as path from 'node:path';
import Mocha from 'mocha';

const hosted = typeof (globalThis as { describe?: unknown }).describe === 'function';

function createMocha(): Mocha {
  // out/test/extension/index.js → project root. The reporter stays a runtime require (not bundled)
  // so it shares the one external `mocha` with this file; it honours SDLC_RESULTS_FILE.
  const projectRoot = path.resolve(__dirname, '../../..');
  // SDLC_TEST_GREP runs only the tests whose full title matches (e.g. SDLC_TEST_GREP='Versions view').
  const grep = process.env.SDLC_TEST_GREP;
  const m = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: path.join(projectRoot, 'test/harness/reporter.cjs'), ...(grep ? { grep } : {}) });
  m.suite.emit('pre-require', globalThis, 'ext', m);
  return m;
}

export const mocha: Mocha | undefined = hosted ? undefined : createMocha();

/** Runs the registered suites; rejects when any test (or hook) failed. */
export function runMocha(): Promise<void> {
  const m = mocha;
  if (!m) return Promise.resolve(); // hosted by another runner, which runs the suites itself
  return new Promise((resolve, reject) => {
    try {
      m.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
