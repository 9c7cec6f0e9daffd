import type { Worker } from 'node:worker_threads';

/**
 * Starting a process costs the starting thread more the larger its process is: fork() copies the
 * page tables of the whole process, and libuv holds the thread until the child has exec'd. In VS
 * Code's extension host (~300 MB) that was 15–25 ms per git process on the bench machine: the four
 * processes of a snapshot held the host's thread ~85 ms, the Git extension and our parsing waiting
 * behind them. A SpawnThread starts bulkRead's processes from a worker thread instead; the main thread
 * goes on meanwhile. (The CLI is a small process and starts them itself: a worker costs ~45 ms to
 * start.) Both outputs go where the caller says (file descriptors of this process); the worker only
 * starts the process and reports how it ended.
 */

export interface SpawnedResult {
  /** null when the process did not run to an exit (not found, killed) */
  exitCode: number | null;
  error?: Error;
}

interface Request {
  id: number;
  file: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: number;
  stderr: number;
}

interface Reply {
  id: number;
  exitCode: number | null;
  error?: { message: string; code?: string };
}

// The worker's code, run as CommonJS with `eval`: no file of its own to bundle or find.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const children = new Map();
parentPort.on('message', (m) => {
  if (m.kill !== undefined) {
    children.get(m.kill)?.kill();
    return;
  }
  let error;
  let child;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, stdio: ['ignore', m.stdout, m.stderr], windowsHide: true });
  } catch (e) {
    parentPort.postMessage({ id: m.id, exitCode: null, error: { message: String((e && e.message) || e), code: e && e.code } });
    return;
  }
  children.set(m.id, child);
  child.on('error', (e) => { error = { message: e.message, code: e.code }; });
  child.on('close', (code) => {
    children.delete(m.id);
    parentPort.postMessage({ id: m.id, exitCode: error ? null : code, error });
  });
});
`;

export class SpawnThread {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private stopped: Error | undefined;
  private online = false;

  constructor() {
    // (Required here: the CLI, which starts no thread, does not load node:worker_threads, ~4 ms.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new WorkerThread(WORKER_SOURCE, { eval: true, name: 'sdlc git starter' });
    // Kept alive only while a process it started runs (tests and the CLI exit when nothing else is left).
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const done = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      done?.(reply);
    });
    this.worker.once('online', () => (this.online = true));
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', (code) => this.stop(new Error(`the thread that starts git processes stopped (exit code ${code})`)));
  }

  /** Whether processes can still be started through this thread. */
  get running(): boolean {
    return !this.stopped;
  }

  /** Whether the thread has come up (until then bulkRead starts processes itself: waiting ~45 ms for the thread cost the first screen more than the starts it would save). */
  get ready(): boolean {
    return this.online && !this.stopped;
  }

  /**
   * Starts `file args` in `cwd` with its outputs on `stdout` and `stderr` (file descriptors of this
   * process, kept open by the caller until the answer) and stdin closed; settles when it has ended.
   * Aborting kills it.
   */
  run(file: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdout: number; stderr: number; signal?: AbortSignal }): Promise<SpawnedResult> {
    if (this.stopped) return Promise.resolve({ exitCode: null, error: this.stopped });
    const id = this.next++;
    return new Promise<SpawnedResult>((resolve) => {
      const onAbort = () => this.worker.postMessage({ kill: id });
      this.pending.set(id, (reply) => {
        options.signal?.removeEventListener('abort', onAbort);
        const error = reply.error && Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {});
        resolve({ exitCode: reply.exitCode, ...(error ? { error } : {}) });
      });
      this.worker.ref();
      const request: Request = { id, file, args: [...args], cwd: options.cwd, env: { ...options.env }, stdout: options.stdout, stderr: options.stderr };
      this.worker.postMessage(request);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends the thread; what it still runs is answered with an error (the processes themselves run on). */
  dispose(): void {
    this.stop(new Error('the thread that starts git processes was stopped'));
    void this.worker.terminate();
  }

  private stop(e: Error): void {
    this.stopped ??= e;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const done of waiting) done({ id: -1, exitCode: null, error: { message: this.stopped.message } });
  }
}

let current: SpawnThread | undefined;

/**
 * Starts the shared thread (the extension does after its first screen; the CLI never does). Where a
 * worker thread cannot be made, undefined: bulkRead then starts processes itself, as without one.
 */
export function startSpawnThread(): SpawnThread | undefined {
  if (!current?.running) {
    try {
      current = new SpawnThread();
    } catch {
      current = undefined;
    }
  }
  return current;
}

/** The shared thread when one was started, is up and still runs, else undefined (bulkRead then starts processes itself). */
export function spawnThread(): SpawnThread | undefined {
  return current?.ready ? current : undefined;
}

/** Ends the shared thread (deactivation, tests). */
export function stopSpawnThread(): void {
  current?.dispose();
  current = undefined;
}
