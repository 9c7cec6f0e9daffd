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

  /**
   * Runs `body` in a node process started with `flags`, with `holdOptimizingCompiler`, `hot` and
   * `fresh` (two functions worth optimizing) and `spin(f)` (calls f until V8 has optimized it, or far
   * longer than V8 needs; %GetOptimizationStatus bit 4 is "optimized") in scope; its JSON answer.
   */
  const inNode = (body: string, flags: string[] = []): unknown => {
    const script = `
      const { holdOptimizingCompiler } = require(${JSON.stringify(path.join(dir, 'tiers.js'))});
      const optimized = (f) => (%GetOptimizationStatus(f) & 16) !== 0;
      const spin = (f) => { for (let k = 0; k < 20000 && !optimized(f); k++) f(200); return optimized(f); };
      function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
      function fresh(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 5; return s; }
      process.stdout.write(JSON.stringify((() => { ${body} })()));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...flags, '-e', script], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout);
  };

  it('a hot function is not optimized while held, and is once turned back on', () => {
    const body = `const resume = holdOptimizingCompiler();
      const whileHeld = spin(hot);
      resume();
      resume(); // (twice: no harm)
      return { whileHeld, afterwards: spin(fresh) };`;
    assert.deepEqual(inNode(body), { whileHeld: false, afterwards: true });
  });

  it('changes nothing on a V8 whose flags it does not know (an unknown flag would be printed to stdout)', () => {
    assert.deepEqual(inNode(`const resume = holdOptimizingCompiler('99.1.0'); const whileHeld = spin(hot); resume(); return { whileHeld };`), { whileHeld: true });
  });

  it('leaves the compilers as node was started with them (--no-turbofan stays)', () => {
    for (const flag of ['--no-turbofan', '--no-opt']) {
      assert.deepEqual(inNode(`holdOptimizingCompiler()(); return { afterwards: spin(hot) };`, [flag]), { afterwards: false }, flag);
    }
  });

  it('scavenges on the main thread alone once asked: no helper thread takes part (else, on more than one core, they do)', () => {
    /** The time helper threads spent in each scavenge of a process that allocates and keeps ~40 MB (V8's --trace-gc-nvp). */
    const helperTimes = (call: string) => {
      const script = `${call}; const keep = []; for (let i = 0; i < 4e5; i++) keep.push({ a: i, b: 'x' + i, c: [i] });`;
      const r = spawnSync(process.execPath, ['--trace-gc-nvp', '-e', `const { scavengeOnMainThread } = require(${JSON.stringify(path.join(dir, 'tiers.js'))}); ${script}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return [...r.stdout.matchAll(/\bgc=s\b.*?\bbackground\.scavenge\.parallel=([\d.]+)/g)].map((m) => Number(m[1]));
    };
    const asked = helperTimes('scavengeOnMainThread()');
    assert.ok(asked.length >= 3, `scavenges: ${asked.length}`);
    assert.deepEqual(asked.filter((t) => t > 0), []);
    assert.ok(helperTimes(`scavengeOnMainThread('99.1.0')`).length >= 3); // an unknown V8: no flag set (nor printed)
    if (os.availableParallelism() > 1) assert.ok(helperTimes('void 0').some((t) => t > 0), 'helpers take part by default');
  });

  it("holds the young generation at its first size while held (node 20's V8), and lets it grow once put back", () => {
    /** The new space's size (KB) after keeping ~20 MB of small objects, in a node process that runs `before` first. */
    const grownTo = (before: string, after = '') => {
      const script = `const { holdYoungGeneration } = require(${JSON.stringify(path.join(dir, 'tiers.js'))}); const v8 = require('node:v8');
        const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size >> 10;
        const keep = []; const fill = () => { for (let i = 0; i < 2e5; i++) keep.push({ a: i, b: 'x' + i }); };
        ${before}; fill(); const held = size(); ${after}; fill(); process.stdout.write(JSON.stringify({ held, after: size() }));`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(r.stderr, '');
      return JSON.parse(r.stdout) as { held: number; after: number };
    };
    const first = grownTo('void 0').held; // (not held: it grows)
    if (process.versions.v8.startsWith('11.')) {
      const held = grownTo('const resume = holdYoungGeneration()', 'resume(); resume()');
      assert.ok(held.held < first, `held ${held.held} KB, not held ${first} KB`);
      assert.ok(held.after > held.held, `after it was put back: ${held.after} KB`);
    }
    assert.equal(grownTo(`holdYoungGeneration('12.4.1')`).held, first, 'another V8: nothing set');
  });

  it('a command that held it and turned it back on leaves a code cache the next run takes', () => {
    bundle(path.join(projectRoot, 'src', 'cliEntry.ts'), path.join(dir, 'cli.js'), ['./cli-main.js']);
    writeFileSync(
      path.join(dir, 'cli-main.js'),
      `'use strict';
      exports.runCli = () => {
        const tiers = require('./tiers.js');
        const [resume, resumeGrowth] = [tiers.holdOptimizingCompiler(), tiers.holdYoungGeneration()];
        process.stdout.write('ran');
        resume();
        resumeGrowth();
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
