// `npm test`: build, then every layer in turn as its own child process, each writing
// `{ passed, failed, skipped }` to its own SDLC_RESULTS_FILE (test/harness/reporter.cjs). lint and
// tsc count as one test each. A layer that exits without writing results (crash, harness error)
// counts as 1 failed. Prints a per-layer table; the LAST line is `N passed, N failed, N skipped`.
// Exit 1 if anything failed. Env SDLC_LAYERS=unit,integration runs a subset (build always runs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './codeServer.mjs';

const bin = (name) => path.join(PROJECT_ROOT, 'node_modules/.bin', name);
/** @type {{ name: string, cmd: string, args: string[], kind: 'mocha'|'check' }[]} */
const LAYERS = [
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'], kind: 'check' },
  { name: 'tsc', cmd: bin('tsc'), args: ['-p', '.', '--noEmit'], kind: 'check' },
  { name: 'unit', cmd: bin('mocha'), args: ['--config', 'test/unit/.mocharc.json'], kind: 'mocha' },
  { name: 'integration', cmd: bin('mocha'), args: ['--config', 'test/integration/.mocharc.json'], kind: 'mocha' },
  { name: 'extension', cmd: process.execPath, args: ['test/harness/run-extension-tests.mjs'], kind: 'mocha' },
  { name: 'ui', cmd: bin('mocha'), args: ['--config', 'test/ui/.mocharc.json'], kind: 'mocha' },
];

const selected = process.env.SDLC_LAYERS?.split(',').map((s) => s.trim()).filter(Boolean);
if (selected) {
  const unknown = selected.filter((n) => !LAYERS.some((l) => l.name === n));
  if (unknown.length) {
    console.error(`unknown layer(s) in SDLC_LAYERS: ${unknown.join(', ')} (known: ${LAYERS.map((l) => l.name).join(', ')})`);
    process.exit(2);
  }
}
const layers = selected ? LAYERS.filter((l) => selected.includes(l.name)) : LAYERS;

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('error', (e) => { console.error(`[run-all] ${cmd}: ${e.message}`); resolve(127); });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** mocha run with no spec files (a layer with no tests yet) exits 1 with this message; treat as empty. */
function hasSpecFiles(layer) {
  if (layer.kind !== 'mocha' || layer.name === 'extension') return true;
  const dir = path.join(PROJECT_ROOT, 'test', layer.name);
  try {
    return readdirSync(dir, { recursive: true }).map(String).some((f) => f.endsWith('.test.ts'));
  } catch {
    return false;
  }
}

const resultsDir = mkdtempSync(path.join(tmpdir(), 'sdlc-results-'));
const rows = [];
const t0 = Date.now();

console.log('[run-all] build: node esbuild.mjs');
const buildCode = await run(process.execPath, ['esbuild.mjs'], {});
// The build is a precondition, not a test: it adds nothing when it works and 1 failed when it breaks.
rows.push({ name: 'build', passed: 0, failed: buildCode === 0 ? 0 : 1, skipped: 0, seconds: (Date.now() - t0) / 1000, exit: buildCode });

for (const layer of layers) {
  const started = Date.now();
  const resultsFile = path.join(resultsDir, `${layer.name}.json`);
  console.log(`\n[run-all] ── ${layer.name}: ${path.basename(layer.cmd)} ${layer.args.join(' ')}`);
  let row;
  if (!hasSpecFiles(layer)) {
    console.log(`[run-all] ${layer.name}: no test files yet`);
    row = { passed: 0, failed: 0, skipped: 0, exit: 0 };
  } else {
    const code = await run(layer.cmd, layer.args, { SDLC_RESULTS_FILE: resultsFile });
    if (layer.kind === 'check') {
      row = { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, exit: code };
    } else if (existsSync(resultsFile)) {
      const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
      row = { passed: r.passed ?? 0, failed: r.failed ?? 0, skipped: r.skipped ?? 0, exit: code };
      // A non-zero exit with no failed test (e.g. the harness died after the reporter wrote) still fails.
      if (code !== 0 && row.failed === 0) row.failed = 1;
    } else {
      console.error(`[run-all] ${layer.name}: exited ${code} without writing results — counted as 1 failed`);
      row = { passed: 0, failed: 1, skipped: 0, exit: code };
    }
  }
  rows.push({ name: layer.name, ...row, seconds: (Date.now() - started) / 1000 });
}
rmSync(resultsDir, { recursive: true, force: true });

const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`\n${pad('layer', 12)}${lpad('passed', 8)}${lpad('failed', 8)}${lpad('skipped', 9)}${lpad('exit', 6)}${lpad('time', 9)}`);
for (const r of rows) {
  console.log(`${pad(r.name, 12)}${lpad(r.passed, 8)}${lpad(r.failed, 8)}${lpad(r.skipped, 9)}${lpad(r.exit, 6)}${lpad(`${r.seconds.toFixed(1)}s`, 9)}`);
}
console.log(`${pad('total', 12)}${lpad(total.passed, 8)}${lpad(total.failed, 8)}${lpad(total.skipped, 9)}${lpad('', 6)}${lpad(`${((Date.now() - t0) / 1000).toFixed(1)}s`, 9)}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
