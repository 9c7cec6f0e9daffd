/**
 * Git for packaging: plain argv calls in a given folder (a worktree is its own folder), and a
 * temporary detached `git worktree` of a ref that is removed afterwards whatever happens.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError, errorMessage } from '../errors';
import { silentLogger, type Logger } from '../log';

/** `git <args>` in `cwd`; rejects with GitFailed carrying git's stderr. */
export function runGit(args: readonly string[], cwd: string, logger: Logger = silentLogger): Promise<string> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      logger.debug(`[Packages] > git ${args.join(' ')} [${Date.now() - started}ms]`);
      if (error) reject(new SdlcError('GitFailed', `git ${args[0]} failed: ${(stderr || error.message).trim()}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

/**
 * Runs `fn` in a temporary detached worktree of `ref` (a clean checkout of exactly that commit)
 * and removes it afterwards — also when `fn` fails or is cancelled.
 */
export async function withWorktree<T>(root: string, ref: string, fn: (tree: string) => Promise<T>, logger: Logger = silentLogger): Promise<T> {
  const commit = (await runGit(['rev-parse', '--verify', '--quiet', ref], root, logger).catch(() => '')).trim();
  if (!commit) throw new SdlcError('RefNotFound', `${ref.replace(/^refs\/tags\//, '').replace(/\^\{commit\}$/, '')} does not name a commit in ${root}.`, { usage: true });
  const tree = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-worktree-')));
  try {
    await runGit(['worktree', 'add', '--detach', '--quiet', tree, commit], root, logger);
    return await fn(tree);
  } finally {
    await runGit(['worktree', 'remove', '--force', tree], root, logger).catch((e: unknown) => logger.warn(`[Packages] git worktree remove: ${errorMessage(e)}`));
    await fs.rm(tree, { recursive: true, force: true });
    await runGit(['worktree', 'prune'], root, logger).catch(() => undefined);
  }
}
