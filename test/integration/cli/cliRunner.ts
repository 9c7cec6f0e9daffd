/** Runs the CLI in process (fast) or as a child process (the real thing: dist/cli.js when built). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { main, type CliServices } from '../../../src/cli';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const projectRoot = path.resolve(__dirname, '../../..');
export const distCli = path.join(projectRoot, 'dist', 'cli.js');

/** In process through `main(argv, io)`. */
export async function runInProcess(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = projectRoot, services?: CliServices): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', ...env }, cwd }, services);
  return { code, stdout, stderr };
}

/**
 * `node dist/cli.js …` when the bundle exists (build it with `node esbuild.mjs`), otherwise the
 * sources through tsx — `how` says which ran.
 */
export function cliProcessCommand(): { how: 'dist' | 'tsx'; args: string[] } {
  return existsSync(distCli) ? { how: 'dist', args: [distCli] } : { how: 'tsx', args: ['--require', 'tsx/cjs', path.join(projectRoot, 'src', 'cli.ts')] };
}

export function runProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { args } = cliProcessCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, ...argv], { cwd: projectRoot, env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function parseError(stderr: string): { code: string; message: string } {
  const doc = JSON.parse(stderr) as { error: { code: string; message: string } };
  if (Object.keys(doc).join() !== 'error' || Object.keys(doc.error).join() !== 'code,message') throw new Error(`not an error document: ${stderr}`);
  return doc.error;
}
