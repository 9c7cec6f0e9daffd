// Mocha's Spec reporter, plus a machine-readable summary for test/harness/run-all.mjs:
// when SDLC_RESULTS_FILE is set, `{ passed, failed, skipped }` is written there at the end
// (pending tests count as skipped; failing hooks count as failed, as in Mocha's own summary).
// Used by every layer: the .mocharc.json files of unit/integration/ui and the extension host.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SdlcReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.SDLC_RESULTS_FILE;
      if (!file) return;
      const stats = runner.stats ?? {};
      const results = { passed: stats.passes ?? 0, failed: stats.failures ?? 0, skipped: stats.pending ?? 0 };
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(results)}\n`);
      } catch (e) {
        console.error(`[reporter] could not write ${file}: ${e && e.message}`);
      }
    });
  }
}

module.exports = SdlcReporter;
