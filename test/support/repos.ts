/**
 * Temp git repositories made with the real git, for integration tests of every suite.
 *
 *   const repo = await makeRepo({ commits: ['feat: a', 'fix: b'], branches: ['dev'], tags: ['v1.0.0'] });
 *   await commit(repo, 'feat: c', { 'src/c.ts': 'export {}' });
 *   after(cleanupTempDirs);
 *
 * Git runs isolated from the machine's configuration (no system/global config, fixed identity).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const tempDirs: string[] = [];

/** Environment for git in tests: no global/system config, a fixed identity, never prompt. */
export function testGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    LC_ALL: 'C',
    ...extra,
  };
}

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${exitCode}): ${stderr.trim()}`);
  }
}

/** Runs git in `cwd`; resolves with stdout, rejects with GitCommandError. */
export function git(cwd: string, args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', [...args], { cwd, env: testGitEnv(options.env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new GitCommandError(args, typeof error.code === 'number' ? error.code : null, String(stderr)));
      else resolve(String(stdout));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A fresh temp directory, removed by `cleanupTempDirs`. */
export async function makeTempDir(prefix = 'sdlc-test-'): Promise<string> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

/** Registers a path made elsewhere for removal by `cleanupTempDirs`. */
export function registerTempDir(dir: string): void {
  tempDirs.push(dir);
}

export async function cleanupTempDirs(): Promise<void> {
  const dirs = tempDirs.splice(0);
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true, maxRetries: 10 })));
}

export interface TagSpec {
  name: string;
  /** annotated when a message is given */
  message?: string;
  ref?: string;
}

export interface MakeRepoOptions {
  /** number of commits, or their messages (one file changed per commit). Default 1. 0 = empty repository. */
  commits?: number | string[];
  /** branches created at HEAD */
  branches?: string[];
  /** tags at HEAD (a string = lightweight tag) */
  tags?: Array<string | TagSpec>;
  initialBranch?: string;
  /** directory to create the repository in (default: a new temp dir) */
  dir?: string;
  bare?: boolean;
}

/** Writes the local config every test repository needs (identity for tags made through the adapter). */
async function configureRepo(dir: string): Promise<void> {
  await git(dir, ['config', 'user.name', 'Test User']);
  await git(dir, ['config', 'user.email', 'test@example.com']);
  await git(dir, ['config', 'commit.gpgsign', 'false']);
  await git(dir, ['config', 'tag.gpgsign', 'false']);
}

export async function makeRepo(options: MakeRepoOptions = {}): Promise<string> {
  const dir = options.dir ?? (await makeTempDir('sdlc-repo-'));
  await fs.mkdir(dir, { recursive: true });
  await git(dir, ['init', '-q', ...(options.bare ? ['--bare'] : []), '-b', options.initialBranch ?? 'main']);
  if (options.bare) return dir;
  await configureRepo(dir);
  const commits = options.commits ?? 1;
  const messages = typeof commits === 'number' ? Array.from({ length: commits }, (_, i) => `commit ${i + 1}`) : commits;
  for (const [i, message] of messages.entries()) await commit(dir, message, { [`file${i + 1}.txt`]: `${message}\n` });
  for (const b of options.branches ?? []) await git(dir, ['branch', b]);
  for (const t of options.tags ?? []) {
    const spec = typeof t === 'string' ? { name: t } : t;
    await tag(dir, spec.name, spec.message, spec.ref);
  }
  return dir;
}

let commitCounter = 0;

/** Writes `files` (path → content; default: one new file), commits everything, returns the new sha. */
export async function commit(repo: string, message: string, files?: Record<string, string>): Promise<string> {
  const toWrite = files ?? { [`change-${process.pid}-${++commitCounter}.txt`]: `${message}\n` };
  for (const [rel, content] of Object.entries(toWrite)) {
    const file = path.join(repo, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '--allow-empty', '-m', message]);
  return (await git(repo, ['rev-parse', 'HEAD'])).trim();
}

/** Lightweight tag, or annotated when `message` is given. */
export async function tag(repo: string, name: string, message?: string, ref = 'HEAD'): Promise<void> {
  await git(repo, message !== undefined ? ['tag', '-a', '-m', message, name, ref] : ['tag', name, ref]);
}

/** Clones `url` into a new temp dir (extra args, e.g. ['--depth', '1']) and configures it. */
export async function cloneRepo(url: string, args: string[] = []): Promise<string> {
  const parent = await makeTempDir('sdlc-clone-');
  const dir = path.join(parent, 'clone');
  await git(parent, ['clone', '-q', ...args, url, dir]);
  await configureRepo(dir);
  return dir;
}

export async function headSha(repo: string, ref = 'HEAD'): Promise<string> {
  return (await git(repo, ['rev-parse', ref])).trim();
}
