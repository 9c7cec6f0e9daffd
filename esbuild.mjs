// Bundles the extension and the CLI (CommonJS, Node, `vscode` external), octokit as its own lazily
// required chunk (dist/octokit.js) so it stays off the activation path, and the extension-test entry.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuild on change
//   --outdir=DIR                   where the extension, CLI and octokit bundles go (default dist)
import * as esbuild from 'esbuild';
import { writeFile, mkdir } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) || 'dist';

/** `import('./octokitBundle')` in src stays a runtime require of the separate chunk `./octokit.js`. */
const octokitChunk = {
  name: 'octokit-chunk',
  setup(build) {
    build.onResolve({ filter: /[\\/]octokitBundle$/ }, () => ({ path: './octokit.js', external: true }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
  // jsonc-parser's UMD `main` build requires files esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts', cli: 'src/cli.ts' }, outdir, external: ['vscode'], plugins: [octokitChunk] },
  { ...common, entryPoints: { octokit: 'src/core/github/octokitBundle.ts' }, outdir },
  // Extension tests run inside VS Code; mocha and the test support stay plain requires.
  ...(production ? [] : [{ ...common, entryPoints: { index: 'test/extension/index.ts' }, outdir: 'out/test/extension', external: ['vscode', 'mocha', 'playwright-core', '@octokit/openapi', 'openapi-backend', 'ajv', 'ajv-formats'], plugins: [octokitChunk] }]),
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[esbuild] watching…');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  await mkdir(outdir, { recursive: true });
  const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
  await writeFile(`${outdir}/meta.json`, JSON.stringify({ outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.bytes])) }, null, 2));
}
