/**
 * The real `sdlc` as a child process: the CLI entry (src/cli.ts, what dist/cli.js is built from)
 * bundled once per test run into a temp folder with esbuild, the way esbuild.mjs bundles it. A fresh
 * bundle rather than dist/cli.js: dist may be stale (built from another state of a shared tree) or
 * broken by another part of it, and these tests must drive exactly the sources under test.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { distCli, projectRoot } from '../cli/cliRunner';

let cached: string | null = null;

export function realCliPath(): string {
  if (cached) return cached;
  if (process.env.SDLC_CLI === 'dist' && spawnSync(process.execPath, [distCli, '--version']).status === 0) return (cached = distCli);
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'sdlc-cli-bundle-')), 'cli.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(projectRoot, 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    external: ['vscode'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    define: { 'import.meta.url': '__sdlcImportMetaUrl' },
    banner: { js: "const __sdlcImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  return (cached = out);
}

export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [realCliPath(), ...argv], { cwd: projectRoot, env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', ...env } });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return finished(spawnCli(argv, env));
}
