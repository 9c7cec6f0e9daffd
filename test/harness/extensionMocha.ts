// Mocha for the extension host. Imported FIRST by test/extension/index.ts: creating Mocha and
// emitting 'pre-require' defines describe/it/before… on globalThis, so the suite modules that
// index.ts imports after this one can register their tests while they are evaluated
// (ES imports run in order; esbuild keeps that order in the bundle).
import * as path from 'node:path';
import Mocha from 'mocha';

// out/test/extension/index.js → project root; the reporter stays a runtime require (not bundled)
// so it shares the one external `mocha` with this file.
const projectRoot = path.resolve(__dirname, '../../..');

export const mocha = new Mocha({
  ui: 'bdd',
  timeout: 60000,
  color: false,
  reporter: path.join(projectRoot, 'test/harness/reporter.cjs'),
});
mocha.suite.emit('pre-require', globalThis, 'ext', mocha);

/** Runs the registered suites; rejects when any test (or hook) failed. */
export function runMocha(): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
