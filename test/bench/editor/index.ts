// Entry of the editor bench (issue 11 §4), loaded by VS Code (code-server) through
// test/harness/run-extension-bench.mjs: bundled by that script to out/test/editor-bench/index.js.
// Not part of `npm test`: `npm run bench` runs it (test/bench/editor.ts).
import { runMocha } from '../../harness/extensionMocha'; // must stay the first import: defines describe/it

import './editor.bench';

export function run(): Promise<void> {
  return runMocha();
}
