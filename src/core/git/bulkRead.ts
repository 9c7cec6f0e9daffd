import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnThread } from './spawnThread';

export interface BulkReadResult {
  stdout: string;
  stderr: string;
  /** null when git did not run to an exit (not found, killed, aborted) */
  exitCode: number | null;
  error?: Error;
}

/**
 * One read-only git process whose output may be large (the snapshot's 15,000 refs, a whole commit
 * graph), written to a temporary file instead of a pipe. Through a pipe git stops at every 64 KiB
 * until this process's event loop drains it: in an extension host busy with VS Code's start, the ref
 * read took ~500 ms that way against ~60 ms alone. Through a file git runs to its end at once, and
 * the output is read in one go when it exits. Its stderr goes to a second file, so no pipe or stream
 * is set up for it (starting the process costs the same either way: 17–19 ms from a 300 MB process
 * on the bench machine). The files are private (a new 0700 folder, 0600, created exclusively) and removed at once where the
 * system allows it (before git writes a byte), else after.
 * Only for fixed argument lists of read-only commands: nothing of simple-git's argument checks is
 * needed, and the environment is the caller's (gitEnvironment).
 */
export function bulkRead(gitPath: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<BulkReadResult> {
  return new Promise((resolve) => {
    let dir: string | undefined;
    let out: number | undefined;
    let err: number | undefined;
    try {
      dir = mkdtempSync(path.join(os.tmpdir(), 'sdlc-git-'));
      const files = [path.join(dir, 'stdout'), path.join(dir, 'stderr')];
      out = openSync(files[0], 'wx+', 0o600);
      err = openSync(files[1], 'wx+', 0o600);
      try {
        for (const file of files) unlinkSync(file);
        rmdirSync(dir); // (empty now; rmSync's recursive walk cost a cold process ~8 ms)
        dir = undefined;
      } catch {
        // (Windows: an open file cannot be removed; it is, once read.)
      }
    } catch (e) {
      cleanup();
      resolve({ stdout: '', stderr: '', exitCode: null, error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    // In a large process (VS Code's extension host) the process is started from a worker thread
    // (see spawnThread): starting it here would hold this thread until the child has exec'd.
    const thread = spawnThread();
    if (thread) {
      void thread.run(gitPath, args, { cwd, env, stdout: out, stderr: err, signal }).then((r) => finish(r.exitCode, r.error && missingFolder(r.error)));
      return;
    }
    let failure: Error | undefined;
    let child: ChildProcess;
    try {
      child = spawn(gitPath, args, { cwd, env, stdio: ['ignore', out, err], windowsHide: true, signal });
    } catch (e) {
      cleanup();
      resolve({ stdout: '', stderr: '', exitCode: null, error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure = missingFolder(e);
    });
    child.on('close', (code) => finish(failure ? null : code, failure));

    /** Reads the outputs once the process has ended, and answers. */
    function finish(code: number | null, failure: Error | undefined): void {
      let stdout = '';
      let stderr = '';
      try {
        if (code === 0 && out !== undefined) stdout = readAll(out);
        if (err !== undefined) stderr = readAll(err);
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(String(e));
      }
      cleanup();
      resolve({ stdout, stderr, exitCode: failure ? null : code, ...(failure ? { error: failure } : {}) });
    }

    /** (A missing working folder fails the spawn with ENOENT too: say which is missing, as simple-git does.) */
    function missingFolder(e: NodeJS.ErrnoException): Error {
      return e.code === 'ENOENT' && !existsSync(cwd) ? new Error(`Cannot use git in a directory that does not exist: ${cwd}`) : e;
    }

    function cleanup(): void {
      for (const fd of [out, err]) if (fd !== undefined) closeSync(fd);
      out = err = undefined;
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    }
  });
}

/** A file's whole content as UTF-8, read through its descriptor from the start. */
function readAll(fd: number): string {
  const size = fstatSync(fd).size;
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, bytes, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return bytes.toString('utf8', 0, at);
}
