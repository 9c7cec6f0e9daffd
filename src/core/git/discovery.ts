import { execFile } from 'node:child_process';
import { existsSync, lstatSync, promises as fs, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { classifyGitFailure } from './classify';
import { gitEnvironment } from './environment';
import { gitTraceSink } from './trace';
import { GitError } from './gitError';
import { isDirectory } from '../files';

/* Finding the repositories of a workspace folder. */

/**
 * The root a folder most likely is, before git says (git's answer then decides): the folder's real
 * path when it holds `.git` (git names a root by its real path), else null. Synchronous on purpose:
 * it is asked at a start (the CLI's, the editor's first scan) so that git runs before the event loop
 * is free again.
 */
export function likelyRoot(folder: string): string | null {
  const dir = path.resolve(folder);
  if (!existsSync(path.join(dir, '.git'))) return null;
  try {
    return realpathSync.native(dir);
  } catch {
    return null;
  }
}

/**
 * What `discoverRepository(root)` answers, read from the file system instead of a git process (which
 * costs ~30 ms of CPU where the config is large, as a config with thousands of branches' upstreams
 * is), or null when git must be asked. `root` is a real path holding `.git` (as likelyRoot gives).
 * Only for a `.git` git takes as it is, as its setup does: a plain folder (no symlink, no `commondir`)
 * with a valid HEAD, `objects` and `refs`, whose config sets no work tree elsewhere (core.worktree,
 * a worktree config), is not bare and includes nothing. The config is searched as text, and any
 * mention of these keys means git is asked: a false alarm costs only that process. git reads these
 * keys from this file alone (not the user's config). Inherited GIT_* variables are dropped (see
 * environment), so none of them can move the repository either.
 */
export function localRepositoryFacts(root: string): (RepositoryFacts & { root: string }) | null {
  const gitDir = path.join(root, '.git');
  const at = (name: string) => path.join(gitDir, name);
  try {
    if (!lstatSync(gitDir).isDirectory()) return null;
    if (!VALID_HEAD.test(readFileSync(at('HEAD'), 'latin1'))) return null;
    if (!statSync(at('objects')).isDirectory() || !statSync(at('refs')).isDirectory()) return null;
    if (existsSync(at('commondir')) || existsSync(at('config.worktree'))) return null;
    const config = readFileSync(at('config'), 'latin1');
    if (/worktree|include/i.test(config)) return null;
    for (const line of config.match(BARE_LINE) ?? []) if (!NOT_BARE.test(line)) return null;
    const shallow = statSync(at('shallow'), { throwIfNoEntry: false });
    if (shallow && !shallow.isFile()) return null;
    return { root, gitDir, shallow: shallow !== undefined };
  } catch {
    return null; // unreadable: git says what is wrong
  }
}

/** HEAD as git's validate_headref takes it: a symbolic ref into refs/, or an object id. */
const VALID_HEAD = /^(?:ref:[ \t]*refs\/|[0-9a-f]{40}(?:[0-9a-f]{24})?\s*$)/;
/** Every line setting a key `bare` (only core has one); each must say false. */
const BARE_LINE = /^[ \t]*bare\b.*$/gim;
const NOT_BARE = /^[ \t]*bare[ \t]*=[ \t]*(?:false|no|off|0)[ \t]*(?:[#;].*)?\r?$/i;

const SKIPPED_DIRS = new Set(['node_modules', 'bower_components', '__pycache__']);

interface GitProcessResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  error?: NodeJS.ErrnoException;
}

function runGit(args: string[], cwd: string, gitPath = 'git', signal?: AbortSignal): Promise<GitProcessResult> {
  const sink = gitTraceSink();
  const startedAt = sink ? performance.now() : 0;
  const result = spawnGit(args, cwd, gitPath, signal);
  if (sink) void result.then((r) => sink.push({ what: `git ${args.join(' ')} (discovery)`, root: cwd, askedAt: startedAt, startedAt, endedAt: performance.now(), ...(r.exitCode === 0 ? {} : { failed: true }) }));
  return result;
}

function spawnGit(args: string[], cwd: string, gitPath: string, signal?: AbortSignal): Promise<GitProcessResult> {
  return new Promise((resolve) => {
    execFile(
      gitPath,
      args,
      { cwd, signal, env: gitEnvironment().env, windowsHide: true, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        resolve({
          stdout: String(stdout),
          stderr: String(stderr),
          exitCode: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          error: err ?? undefined,
        });
      },
    );
  });
}

/**
 * What git says about a repository when it is found, besides its root: a first snapshot taken right
 * after takes them instead of asking again (createGit's `discovered`; one git process less).
 */
export interface RepositoryFacts {
  /** absolute */
  gitDir: string;
  shallow: boolean;
}

/** Root of the work tree containing `dir`; GitError NotARepository when there is none. */
export async function repositoryRoot(dir: string, options: { gitPath?: string; signal?: AbortSignal } = {}): Promise<string> {
  return (await discoverRepository(dir, options)).root;
}

/** The work tree containing `dir` (its root) with its git dir and shallowness, from one rev-parse. */
export async function discoverRepository(dir: string, options: { gitPath?: string; signal?: AbortSignal } = {}): Promise<RepositoryFacts & { root: string }> {
  const args = ['rev-parse', '--absolute-git-dir', '--is-shallow-repository', '--show-toplevel'];
  // git starts at once (a process runs even while the event loop is busy, as an editor's is after
  // activation); whether the folder exists is asked only when it fails.
  const r = await runGit(args, dir, options.gitPath, options.signal);
  if (r.exitCode !== 0 && !(await isDirectory(dir))) {
    throw new GitError('NotARepository', `The folder ${dir} does not exist, so it is not a git repository. Check the path.`, { args });
  }
  const [gitDir, shallow, top] = r.stdout.split('\n').map((l) => l.trim());
  if (r.exitCode === 0 && top && gitDir) return { root: path.resolve(top), gitDir, shallow: shallow === 'true' };
  if (r.exitCode === 0) {
    // Inside a git dir or a bare repository: there is no work tree.
    throw new GitError('NotARepository', `${dir} is not inside the work tree of a git repository (it is a git directory or a bare repository).`, { args });
  }
  throw classifyGitFailure(args, r.exitCode, r.stderr, {
    cause: r.error,
    aborted: options.signal?.aborted,
    gitPath: options.gitPath,
    cwd: dir,
  });
}

/**
 * The repositories of a folder: the one it is in (or is the root of), then every nested
 * repository (a directory holding a `.git` directory or file) down to `maxDepth` levels,
 * skipping node_modules and hidden directories (.git internals, .vscode-test, caches).
 */
export async function findRepositories(
  folder: string,
  options: {
    maxDepth?: number;
    signal?: AbortSignal;
    gitPath?: string;
    /** Called with the repository `folder` is in as soon as git names it, before the walk below the folder. */
    onDiscovered?: (repository: RepositoryFacts & { root: string }) => void;
    /** `discoverRepository(folder)` already under way (a caller that started it earlier): taken instead of asking git again. */
    discovery?: Promise<RepositoryFacts & { root: string }>;
  } = {},
): Promise<string[]> {
  const maxDepth = options.maxDepth ?? 3;
  const signal = options.signal;
  const found: string[] = [];
  const seen = new Set<string>();
  // Keyed by the real path: git gives the repository root with symlinks resolved, the walk below the
  // folder as opened (a symlinked workspace folder would otherwise list its repository twice).
  const add = async (dir: string) => {
    const resolved = path.resolve(dir);
    const key = await fs.realpath(resolved).catch(() => resolved);
    if (!seen.has(key)) {
      seen.add(key);
      found.push(resolved);
    }
  };
  const checkAbort = () => {
    if (signal?.aborted) throw classifyGitFailure(['rev-parse'], null, '', { aborted: true });
  };

  const start = path.resolve(folder);
  // Discovery first: its git process starts before anything else waits for the event loop.
  const discovered = options.discovery ?? discoverRepository(start, { gitPath: options.gitPath, signal });
  // Its answer comes before any file-system call: a busy event loop and thread pool (an editor starting)
  // would otherwise hold the repository back; a folder git found a repository in exists.
  try {
    const repository = await discovered;
    options.onDiscovered?.(repository);
    await add(repository.root);
  } catch (e) {
    checkAbort();
    if (!(await isDirectory(start))) return [];
    if (!(e instanceof GitError) || e.gitCode !== 'NotARepository') throw e;
  }

  let level = [start];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    checkAbort();
    // The folders of one level are listed side by side, then handled in order (the result stays sorted).
    const listed = await Promise.all(level.map((dir) => fs.readdir(dir, { withFileTypes: true }).catch(() => null)));
    for (const [i, dir] of level.entries()) {
      checkAbort();
      const entries = listed[i];
      if (!entries) continue; // unreadable: not ours to report
      if (entries.some((e) => e.name === '.git' && (e.isDirectory() || e.isFile()))) await add(dir);
      if (depth === maxDepth) continue;
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
        next.push(path.join(dir, e.name));
      }
    }
    level = next.sort();
  }
  return found;
}

/** The version of git (`2.39.5`), or null when it cannot be run. */
export async function isGitInstalled(gitPath = 'git'): Promise<string | null> {
  const r = await runGit(['--version'], process.cwd(), gitPath);
  if (r.exitCode !== 0) return null;
  const m = /git version (\S+)/.exec(r.stdout);
  return m ? m[1] : r.stdout.trim() || null;
}
