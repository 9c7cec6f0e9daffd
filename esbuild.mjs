// Bundles the extension and the CLI (CommonJS, Node, `vscode` external), octokit as its own lazily
// required chunk (dist/octokit.js) so it stays off the activation path, the Versions and Test Runs/CI
// features as another (dist/features.js, src/featuresBundle.ts), and the extension-test entry.
// The features chunk takes every module the main bundle holds from the main bundle at run time (one
// copy of each: instanceof checks, module state), so the build has two passes: the first finds the
// main bundle's modules, the second registers them there (src/sharedModules.ts) and points the
// features chunk's imports of them at that registry.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuild on change
//   --outdir=DIR                   where the extension, CLI and octokit bundles go (default dist)
import * as esbuild from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

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

/** `require('./featuresBundle')` (src/vscode/lazy.ts) stays a runtime require of the chunk `./features.js`. */
const featuresChunk = {
  name: 'features-chunk',
  setup(build) {
    build.onResolve({ filter: /[\\/]featuresBundle$/ }, () => ({ path: './features.js', external: true }));
  },
};

/**
 * The CLI's commands as chunks: each `require('./X')` of src/cli/commands.ts stays a runtime require of
 * `./cli-X.js`, so `sdlc repo` neither reads nor compiles the code of deploy, packaging or test reports.
 * A chunk takes the modules of dist/cli-main.js from it (as the features chunk does from the extension);
 * what only commands use is bundled into each chunk that needs it (one command runs per process).
 */
const CLI_COMMANDS = [...(await readFile('src/cli/commands.ts', 'utf8')).matchAll(/require\('\.\/([a-z]+)'\)/g)].map((m) => m[1]);
const cliCommandChunks = {
  name: 'cli-command-chunks',
  setup(build) {
    build.onResolve({ filter: /^\.\/[a-z]+$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]commands\.ts$/.test(args.importer) && CLI_COMMANDS.includes(args.path.slice(2)) ? { path: `./cli-${args.path.slice(2)}.js`, external: true } : undefined,
    );
  },
};

const sharedKey = (file) => path.relative(process.cwd(), file).split(path.sep).join('/');

/**
 * A main bundle's registry of its modules for its chunks: `globalThis.__sdlcShared[name][id]`, the ids
 * being the modules' places in `keys` (cwd-relative paths, sorted), so the bundle holds no path.
 */
const registryOf = (name, keys) => ({ name, keys, ids: new Map(keys.map((key, id) => [key, id])), used: new Set() });

/**
 * Main bundle: src/sharedModules.ts becomes the registration of its modules, a getter each: a module
 * is evaluated when a chunk first uses it, not when the bundle loads (simple-git, for one, is only
 * needed by the first git call that does not go through bulkRead, and supports-color, an ES module
 * under it, asks node:tty about the terminal: ~7 ms of every CLI process). esbuild makes `require()`
 * of a bundled ES module its namespace, marked __esModule.
 */
const registerShared = (registry) => ({
  name: 'register-shared',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]sharedModules\.ts$/ }, () => {
      // Only the modules its chunks import (they are built first), except in watch mode, where a chunk
      // rebuilt alone may import another: every export of a registered module stays in the bundle.
      const registered = registry.keys.flatMap((key, id) => (watch || registry.used.has(key) ? [`  [${id}, () => require(${JSON.stringify(path.resolve(key))})],`] : []));
      const contents = `const shared = ((globalThis.__sdlcShared ??= {})[${JSON.stringify(registry.name)}] ??= {});
const modules = [\n${registered.join('\n')}\n];
export function shareModules() {
  for (const [id, load] of modules) {
    if (id in shared) continue;
    Object.defineProperty(shared, id, { enumerable: true, configurable: true, get() { const m = load(); Object.defineProperty(shared, id, { enumerable: true, value: m }); return m; } });
  }
}
`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
});

/** A chunk: an import of a module of the main bundle is a lookup in its registry. */
const useShared = (registry) => ({
  name: 'use-shared',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === 'entry-point' || args.pluginData?.useShared || args.path === 'vscode') return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { useShared: true } });
      if (resolved.errors.length || resolved.external || !resolved.path) return undefined;
      const key = sharedKey(resolved.path);
      if (!registry.ids.has(key)) return undefined;
      registry.used.add(key);
      return { path: key, namespace: 'sdlc-shared' };
    });
    build.onLoad({ filter: /.*/, namespace: 'sdlc-shared' }, (args) => ({
      contents: `const m = globalThis.__sdlcShared?.[${JSON.stringify(registry.name)}]?.[${registry.ids.get(args.path)}];\nif (!m) throw new Error(${JSON.stringify(`chunk: ${args.path} is not registered by the main bundle (${registry.name})`)});\nmodule.exports = m;\n`,
      loader: 'js',
    }));
  },
});

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
  // ES modules bundled into CommonJS (fdir: `createRequire(import.meta.url)`) get the bundle's own URL.
  banner: { js: "var __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

/** A main bundle's modules (cwd-relative paths), from a first build that writes nothing. */
async function mainModules(entry, plugins) {
  const result = await esbuild.build({ ...common, sourcemap: false, write: false, entryPoints: { main: entry }, outdir, external: ['vscode'], plugins });
  const shared = [];
  for (const file of Object.keys(result.metafile.inputs)) {
    // (JSON is data without identity: a chunk that imports it bundles what it reads.)
    if (file.includes(':') || file.endsWith(entry) || file.endsWith('src/sharedModules.ts') || file.endsWith('.json')) continue;
    shared.push(sharedKey(path.resolve(file)));
  }
  return shared.sort();
}

// (--watch: computed once at start; restart the watch after adding a module to the activation path.)
const [shared, cliShared] = await Promise.all([
  mainModules('src/extension.ts', [octokitChunk, featuresChunk]).then((keys) => registryOf('extension', keys)),
  mainModules('src/cli.ts', [octokitChunk, cliCommandChunks]).then((keys) => registryOf('cli', keys)),
]);

// The chunks that take modules from a main bundle (useShared): built before the main bundles, whose
// registration lists the modules they import (registerShared).
const cliChunks = { ...common, entryPoints: Object.fromEntries(CLI_COMMANDS.map((c) => [`cli-${c}`, `src/cli/${c}.ts`])), outdir, plugins: [octokitChunk, useShared(cliShared)] };
const featuresChunkBuild = { ...common, entryPoints: { features: 'src/featuresBundle.ts' }, outdir, external: ['vscode'], plugins: [octokitChunk, useShared(shared)] };
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir, external: ['vscode'], plugins: [octokitChunk, featuresChunk, registerShared(shared)] },
  { ...common, entryPoints: { 'cli-main': 'src/cli.ts' }, outdir, plugins: [octokitChunk, cliCommandChunks, registerShared(cliShared)] },
  // The executable: the code cache's loader, then `require('./cli-main.js')` at run time.
  { ...common, entryPoints: { cli: 'src/cliEntry.ts' }, outdir, banner: { js: '#!/usr/bin/env node' }, external: ['./cli-main.js'] },
  cliChunks,
  { ...common, entryPoints: { octokit: 'src/core/github/octokitBundle.ts' }, outdir },
  featuresChunkBuild,
  // Extension tests run inside VS Code; mocha and the test support stay plain requires.
  ...(production ? [] : [{ ...common, entryPoints: { index: 'test/extension/index.ts' }, outdir: 'out/test/extension', external: ['vscode', 'mocha', 'playwright-core', '@octokit/openapi', 'openapi-backend', 'ajv', 'ajv-formats'], plugins: [octokitChunk] }]),
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[esbuild] watching…');
} else {
  const chunkResults = new Map(await Promise.all([cliChunks, featuresChunkBuild].map(async (b) => [b, await esbuild.build(b)])));
  const results = await Promise.all(builds.map((b) => chunkResults.get(b) ?? esbuild.build(b)));
  // No module in both the main bundle and the features chunk (a second SdlcError class, a second git queue…).
  const inputsOf = (r, name) => Object.entries(r.metafile.outputs).find(([k]) => path.basename(k) === name)?.[1].inputs ?? {};
  const twice = Object.keys(inputsOf(results[5], 'features.js')).filter((f) => !f.includes(':') && f in inputsOf(results[0], 'extension.js'));
  if (twice.length) throw new Error(`modules bundled into both extension.js and features.js: ${twice.join(', ')}`);
  // Nor in both the CLI and one of its command chunks.
  const cliInputs = inputsOf(results[1], 'cli-main.js');
  for (const c of CLI_COMMANDS) {
    const both = Object.keys(inputsOf(results[3], `cli-${c}.js`)).filter((f) => !f.includes(':') && f in cliInputs);
    if (both.length) throw new Error(`modules bundled into both cli-main.js and cli-${c}.js: ${both.join(', ')}`);
  }
  await mkdir(outdir, { recursive: true });
  const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
  await writeFile(`${outdir}/meta.json`, JSON.stringify({ outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.bytes])) }, null, 2));
}
