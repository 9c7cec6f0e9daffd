/**
 * Runs a packaging tool without a shell (argv arrays; command lines of `.sdlc.json` are split with
 * the test runner's `parseCommandLine`), streams its output, keeps a tail for error messages,
 * and on cancel ends the whole process tree (`killTree`). The tool's output never goes to our
 * stdout: it reaches `onOutput` (the log, a progress view) and nothing else.
 */
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { SdlcError } from '../errors';
import { silentLogger, type Logger } from '../log';
import { formatCommand } from '../testing/command';
import { killTree } from '../testing/processTree';

export interface ToolRun {
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  logger?: Logger;
  /** Keep stdout (e.g. `npm pack --json`), up to this many bytes. Default: not kept. */
  captureStdout?: number;
  /** After SIGTERM, how long the tree gets before SIGKILL. Default 2 s. */
  killGraceMs?: number;
}

export interface ToolResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  stdout: string;
  /** The last ~16 KB of stdout and stderr together. */
  tail: string;
  durationMs: number;
}

const TAIL = 16 * 1024;

export async function runTool(run: ToolRun): Promise<ToolResult> {
  const log = run.logger ?? silentLogger;
  const started = Date.now();
  if (run.signal?.aborted) return { exitCode: null, signal: null, cancelled: true, stdout: '', tail: '', durationMs: 0 };
  log.info(`[Packages] > ${formatCommand(run.argv)} (in ${run.cwd})`);
  const child = spawn(run.argv[0], run.argv.slice(1), {
    cwd: run.cwd,
    env: { ...process.env, ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  let tail = '';
  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const deliver = (text: string, stream: 'stdout' | 'stderr') => {
    if (!text) return;
    tail = (tail + text).slice(-2 * TAIL);
    try {
      run.onOutput?.(text, stream);
    } catch {
      // a listener must not break the build
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    if (run.captureStdout !== undefined && stdoutBytes + chunk.length <= run.captureStdout) stdoutChunks.push(chunk);
    stdoutBytes += chunk.length;
    deliver(decoders.stdout.write(chunk), 'stdout');
  });
  child.stderr.on('data', (chunk: Buffer) => deliver(decoders.stderr.write(chunk), 'stderr'));

  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    cancelled = true;
    killTree(child, 'SIGTERM');
    killTimer = setTimeout(() => killTree(child, 'SIGKILL'), run.killGraceMs ?? 2000);
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (child.pid === undefined) reject(spawnError(e, run.argv[0]));
      });
      child.once('exit', () => {
        if (cancelled) killTree(child, 'SIGKILL');
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    deliver(decoders.stdout.end(), 'stdout');
    deliver(decoders.stderr.end(), 'stderr');
    const durationMs = Date.now() - started;
    log.info(`[Packages] ${path.basename(run.argv[0])} exited with ${exit.code ?? exit.signal} [${durationMs}ms]`);
    return { exitCode: exit.code, signal: exit.signal, cancelled, stdout: Buffer.concat(stdoutChunks).toString('utf8'), tail: tail.slice(-TAIL), durationMs };
  } finally {
    if (killTimer) clearTimeout(killTimer);
    run.signal?.removeEventListener('abort', onAbort);
  }
}

/** The last `n` non-empty lines of a tool's output, for an error message. */
export function lastLines(text: string, n = 15): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}

/** The absolute path of `program` on PATH (or as given when it has a slash), null when absent. */
export async function findExecutable(program: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates = program.includes('/') || program.includes(path.sep) ? [program] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, program));
  for (const file of candidates) {
    try {
      await fs.access(file, fsConstants.X_OK);
      if ((await fs.stat(file)).isFile()) return path.resolve(file);
    } catch {
      // not here
    }
  }
  return null;
}

/** First line of `<tool> --version`-like output; null when it cannot be run. */
export async function toolVersion(argv: string[], cwd: string): Promise<string | null> {
  try {
    const r = await runTool({ argv, cwd, captureStdout: 64 * 1024 });
    if (r.exitCode !== 0) return null;
    const line = (r.stdout.trim() || r.tail.trim()).split(/\r?\n/)[0];
    return line ? line.trim() : null;
  } catch {
    return null;
  }
}

function spawnError(e: NodeJS.ErrnoException, program: string): SdlcError {
  if (e.code === 'ENOENT') return new SdlcError('ToolMissing', `Command not found: ${program}. Install it or put it on PATH (commands run without a shell).`, { cause: e });
  if (e.code === 'EACCES') return new SdlcError('CommandNotExecutable', `${program} is not executable.`, { cause: e });
  return new SdlcError('SpawnFailed', `Could not start ${program}: ${e.message}`, { cause: e });
}
