/**
 * Holding V8's optimizing compiler back (src/cli/compilerTiers.ts), in node processes: a held process
 * does not optimize a hot function, one turned back on does, and a command that held it leaves a
 * code cache (src/cli/codeCache.ts) that the next run takes instead of rejecting it for other flags.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_CACHE_DIR } from '../../../src/cli/codeCache';
import { projectRoot } from './cliRunner';

describe("V8's optimizing compiler held back by a short command (compilerTiers)", function () {
  this.timeout(60_000);
  let dir: string;
  const bundle = (entry: string, outfile: string, external: string[] = []) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('esbuild') as typeof import('esbuild')).buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external, logLevel: 'silent' });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sdlc-tiers-'));
    bundle(path.join(projectRoot, 'src', 'cli', 'compilerTiers.ts'), path.join(dir, 'tiers.js'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a hot function is not optimized while held, and is once turned back on', () => {
    // (%GetOptimizationStatus: bit 4 is "optimized". The loops run until it is, or far longer than V8 needs.)
    const script = `
      const { holdOptimizingCompiler } = require(${JSON.stringify(path.join(dir, 'tiers.js'))});
      const optimized = (f) => (%GetOptimizationStatus(f) & 16) !== 0;
      const spin = (f) => { for (let k = 0; k < 20000 && !optimized(f); k++) f(200); return optimized(f); };
      function held(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
      function resumed(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 5; return s; }
      const resume = holdOptimizingCompiler();
      const whileHeld = spin(held);
      resume();
      resume(); // (twice: no harm)
      process.stdout.write(JSON.stringify({ whileHeld, afterwards: spin(resumed) }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), { whileHeld: false, afterwards: true });
  });

  it('changes nothing on a V8 whose flags it does not know (an unknown flag would be printed to stdout)', () => {
    const script = `
      const { holdOptimizingCompiler } = require(${JSON.stringify(path.join(dir, 'tiers.js'))});
      function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
      const resume = holdOptimizingCompiler('99.1.0');
      for (let k = 0; k < 20000 && !(%GetOptimizationStatus(hot) & 16); k++) hot(200);
      resume();
      process.stdout.write(JSON.stringify({ optimized: (%GetOptimizationStatus(hot) & 16) !== 0 }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    assert.deepEqual([r.stderr, JSON.parse(r.stdout)], ['', { optimized: true }]);
  });

  it('leaves the compilers as node was started with them (--no-turbofan stays)', () => {
    const script = `
      const { holdOptimizingCompiler } = require(${JSON.stringify(path.join(dir, 'tiers.js'))});
      function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
      holdOptimizingCompiler()();
      for (let k = 0; k < 20000; k++) hot(200);
      process.stdout.write(JSON.stringify({ optimized: (%GetOptimizationStatus(hot) & 16) !== 0 }));`;
    for (const flag of ['--no-turbofan', '--no-opt']) {
      const r = spawnSync(process.execPath, ['--allow-natives-syntax', flag, '-e', script], { encoding: 'utf8' });
      assert.deepEqual([r.stderr, JSON.parse(r.stdout)], ['', { optimized: false }], flag);
    }
  });

  it('a command that held it and turned it back on leaves a code cache the next run takes', () => {
    bundle(path.join(projectRoot, 'src', 'cliEntry.ts'), path.join(dir, 'cli.js'), ['./cli-main.js']);
    writeFileSync(
      path.join(dir, 'cli-main.js'),
      `'use strict';
      exports.runCli = () => {
        const resume = require('./tiers.js').holdOptimizingCompiler();
        process.stdout.write('ran');
        resume();
      };\n`,
    );
    const run = () => {
      const r = spawnSync(process.execPath, [path.join(dir, 'cli.js')], { env: { ...process.env, SDLC_CODE_CACHE: '' }, encoding: 'utf8' });
      assert.deepEqual([r.stdout, r.stderr, r.status], ['ran', '', 0]);
      return statSync(path.join(dir, CODE_CACHE_DIR, 'cli-main.js.bin'), { bigint: true });
    };
    const first = run();
    const second = run();
    assert.deepEqual([second.ino, second.mtimeNs], [first.ino, first.mtimeNs], 'the cache made by the first run was taken, not made again');
  });
});
