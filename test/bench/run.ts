/**
 * `npm run bench` (= `node esbuild.mjs --production && tsx test/bench/run.ts`: the bundles that ship): builds or reuses the cached
 * synthetic repository, runs every bench module in sequence and prints one table.
 * Exit 0 even when a target is missed (benchmarks inform, tests assert); exit 1 on a correctness
 * failure (e.g. ahead/behind different from git's).
 *
 *   --only=NAME[,NAME]   run only the modules whose name contains NAME
 *   --repeats=N          timed runs per measurement (default 3; the median is reported)
 *   --editor-runs=N      code-server runs of the editor bench (default 1)
 *   --shapes=WORD[,WORD] ahead/behind shapes to run (linear, merge, today; default all)
 */
import * as path from 'node:path';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, printTable } from './context';
import { ensureRepo } from './repo50k';
import { repoSnapshot } from './repoSnapshot';
import { sdlcRepo } from './sdlcRepo';
import { bundleSize } from './bundleSize';
import { versioningBench } from './versioning';
import { monorepoPlanBench } from './monorepoPlan';
import { junitBench } from './junit';
import { aheadBehindShapes } from './aheadBehindShapes';
import { bumpProcess } from './bumpProcess';
import { healthBench } from './health';
import { packagingBench } from './packaging';
import { editorBench } from './editor';

/**
 * The benchmarks, run in this order. A later issue adds its module here, e.g.
 * - issue 4: conventional-commit bump + changelog vs `conventional-recommended-bump` (10,000 commits since the last tag)
 * - issue 5: JUnit report parse
 */
const MODULES: readonly BenchModule[] = [repoSnapshot, sdlcRepo, aheadBehindShapes, bundleSize, versioningBench, monorepoPlanBench, bumpProcess, junitBench, healthBench, packagingBench, editorBench];

async function main(): Promise<number> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = arg('only')?.split(',').filter(Boolean);
  const projectRoot = path.resolve(__dirname, '..', '..');
  const cacheDir = path.join(projectRoot, '.bench-cache');
  const log = (m: string) => console.log(m);
  const repoRoot = await ensureRepo(cacheDir, log);
  const ctx: BenchContext = { projectRoot, cacheDir, repoRoot, repeats: Math.max(1, Number(arg('repeats') ?? 3)), log };

  const rows: Row[] = [];
  const failures: string[] = [];
  for (const m of MODULES) {
    if (only && !only.some((o) => m.name.includes(o))) continue;
    console.log(`\n== ${m.name}`);
    try {
      rows.push(...(await m.run(ctx)));
    } catch (e) {
      if (e instanceof BenchCorrectnessError) {
        failures.push(`${m.name}: ${e.message}`);
        rows.push({ measurement: m.name, ours: '', baseline: '', ratio: '', target: 'correct', status: 'MISS', note: 'CORRECTNESS FAILURE' });
      } else {
        // A crash in one module is reported and the others still run.
        const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
        rows.push({ measurement: m.name, ours: '', baseline: '', ratio: '', target: '', status: 'SKIP', note: `crashed: ${message}` });
        console.error(e);
      }
    }
  }
  console.log(`\n${printTable(rows)}\n(medians of ${ctx.repeats} runs each, ratios measured in this run)`);
  if (failures.length) {
    console.error(`\nCORRECTNESS FAILURE\n${failures.join('\n')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
