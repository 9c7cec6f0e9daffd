import { closeSync, fstatSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { redact } from '../secrets';
import { bulkRead } from './bulkRead';
import { gitEnvironment } from './environment';
import { writeAtomically } from './snapshotCaches';

/*
 * The snapshot's configuration read (`git config -z --get-regexp ^(remote|url|branch)\.`,
 * SNAPSHOT_CONFIG_ARGS) kept in `.git/sdlc/config-v1` with a signature of every file git read it from:
 * the system file, the user's two (`$XDG_CONFIG_HOME/git/config` or `~/.config/git/config`, and
 * `~/.gitconfig`), the repository's `config` and `config.worktree`. While each file is as it was (its
 * inode, size, times and CRC-32, or still missing) and so is the git executable, git would print the
 * same, and the snapshot starts no process for it: with 5,000 branches' upstreams that process cost a
 * `sdlc repo` ~20 ms of wall time (starting it holds this thread ~7 ms; git parses the 370 KB file on
 * the other core meanwhile).
 *
 * git reads exactly these files because every process gets gitEnvironment: the inherited GIT_*
 * variables (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM, GIT_CONFIG_PARAMETERS, …)
 * are dropped. Where that is not enough to know them the cache is not used and git reads as always: a
 * file holding an `include` (the included files are not known), a shared git dir (worktrees), no HOME,
 * Windows (git finds the user's files by rules of its own there), a system file that exists but holds
 * nothing (git does not name it). The signature also holds the git executable as PATH finds it (its
 * real path and identity: another git may have another system file), HOME and XDG_CONFIG_HOME. The
 * files are checked for includes when the cache is written (a file changed since shows as changed).
 *
 * Each file's signature is taken before git reads: a file changed while git reads shows as changed at
 * the next snapshot. The system file's name is learnt from git (`--show-origin`), the first time the
 * cache is written; that first cache holds no signature yet, so it is used only from the second write
 * on. A configuration with a credential in it (a URL with a token, which `redact` masks) is never written.
 */

const CONFIG_CACHE = ['sdlc', 'config-v1'];
const HEADER = 'sdlc-config 1\n';

/** What readConfigCache found: the kept output when git would print it unchanged, else what a new cache is written with. */
export interface ConfigCacheState {
  /** git's output as kept, when every file is as it was when it was read; else undefined (git must read). */
  output?: string;
  /** the files' signature taken now; '' while the system file is not known */
  signature: string;
  /** the system configuration file, when an earlier write learnt it */
  systemFile: string | null;
  /** the files the signature covers */
  files: string[];
}

/** The cache of the repository at `root` (its git dir `<root>/.git`), or null where it does not apply (see above). */
export function readConfigCache(root: string, gitPath: string, env: NodeJS.ProcessEnv = process.env): ConfigCacheState | null {
  if (process.platform === 'win32' || typeof zlib.crc32 !== 'function' || !env.HOME) return null;
  const gitDir = path.join(root, '.git');
  let kept: KeptConfig | null = null;
  try {
    kept = parseCache(readFileSync(path.join(gitDir, ...CONFIG_CACHE)));
  } catch {
    kept = null; // none yet
  }
  const files = userAndLocalFiles(gitDir, env);
  const git = executableOf(gitPath, root, env);
  if (!files || !git) return null;
  const systemFile = kept?.systemFile ?? null;
  if (systemFile) files.unshift(systemFile);
  const stamps: string[] = [];
  for (const file of files) {
    const stamp = stampOf(file);
    if (stamp === null) return null;
    stamps.push(file, stamp);
  }
  const signature = systemFile ? JSON.stringify([HEADER, git, env.HOME, env.XDG_CONFIG_HOME ?? '', stamps]) : '';
  if (kept && signature && kept.signature === signature) return { output: kept.output(), signature, systemFile, files };
  return { signature, systemFile, files };
}

/**
 * Writes git's `output`, read after `state` was taken, unless it holds a credential or one of the
 * files an include. `learnSystemFile` names the system file when the state does not (then the cache
 * holds no signature yet).
 */
export async function writeConfigCache(root: string, state: ConfigCacheState, output: string, learnSystemFile: () => Promise<string | null>): Promise<void> {
  if (redact(output) !== output) return;
  const systemFile = state.systemFile ?? (await learnSystemFile());
  // (A known system file is among the state's files already.)
  if (!systemFile || (state.systemFile ? state.files : [systemFile, ...state.files]).some(holdsInclude)) return;
  const text = `${HEADER}${JSON.stringify(systemFile)}\n${JSON.stringify(state.systemFile ? state.signature : '')}\n${output}`;
  await writeAtomically(path.join(root, '.git', ...CONFIG_CACHE), text, 0o600); // (only a cache: a failure is no error)
}

/**
 * The system configuration file of the git at `gitPath`, as git names it: the origin of its first
 * entry, or the file it says it cannot read (there is none). Null when it exists but holds nothing.
 */
export async function learnSystemConfigFile(gitPath: string, cwd: string): Promise<string | null> {
  const r = await bulkRead(gitPath, ['config', '--system', '--show-origin', '-z', '--list'], cwd, gitEnvironment().env);
  return systemFileOf(r.exitCode, r.stdout, r.stderr);
}

/** learnSystemConfigFile's reading of git's answer. */
export function systemFileOf(exitCode: number | null, stdout: string, stderr: string): string | null {
  if (exitCode === 0) return stdout.startsWith('file:') && stdout.includes('\0') ? stdout.slice(5, stdout.indexOf('\0')) || null : null;
  const missing = /unable to read config file '(.+)': No such file or directory/.exec(stderr);
  return missing ? missing[1] : null;
}

/** The user's files and the repository's, in git's order; null when git would read others (a shared git dir). */
function userAndLocalFiles(gitDir: string, env: NodeJS.ProcessEnv): string[] | null {
  if (stampOf(path.join(gitDir, 'commondir')) !== '-') return null;
  const home = env.HOME ?? '';
  const xdg = env.XDG_CONFIG_HOME ? path.join(env.XDG_CONFIG_HOME, 'git', 'config') : path.join(home, '.config', 'git', 'config');
  return [xdg, path.join(home, '.gitconfig'), path.join(gitDir, 'config'), path.join(gitDir, 'config.worktree')];
}

/** A file's identity and content (`ino:size:mtime:ctime:crc`), '-' when missing, null when git could read it otherwise (not a plain file, unreadable). */
function stampOf(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? '-' : null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${zlib.crc32(readFileSync(fd))}`;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether git would read another file from this one (`include.path`, `includeIf.*.path`: the section
 * name follows a `[`, in any case), or cannot be sure (unreadable). Asked when writing: a file that
 * changed since its stamp was taken shows as changed at the next read anyway.
 */
function holdsInclude(file: string): boolean {
  try {
    return /\[\s*include/i.test(readFileSync(file, 'latin1'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * The git executable the processes run, as `spawn` finds it (through PATH unless the name holds a
 * slash), named by its real path and identity: another git (another PATH, an upgrade) may have another
 * system file or read differently. Null when it is not found.
 */
function executableOf(gitPath: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  const candidates = gitPath.includes('/') ? [path.resolve(cwd, gitPath)] : (env.PATH ?? '').split(path.delimiter).map((dir) => path.resolve(cwd, dir || '.', gitPath));
  for (const candidate of candidates) {
    try {
      const st = statSync(candidate);
      if (!st.isFile() || (st.mode & 0o111) === 0) continue;
      return `${realpathSync.native(candidate)}:${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      // not there: the next one
    }
  }
  return null;
}

/** A cache file's parts; the output is decoded only when it is used. */
interface KeptConfig {
  systemFile: string;
  signature: string;
  output(): string;
}

function parseCache(bytes: Buffer): KeptConfig | null {
  const header = Buffer.byteLength(HEADER);
  if (bytes.toString('latin1', 0, header) !== HEADER) return null;
  const second = bytes.indexOf(0x0a, header);
  const third = second < 0 ? -1 : bytes.indexOf(0x0a, second + 1);
  if (third < 0) return null;
  try {
    const systemFile: unknown = JSON.parse(bytes.toString('utf8', header, second));
    const signature: unknown = JSON.parse(bytes.toString('utf8', second + 1, third));
    if (typeof systemFile !== 'string' || typeof signature !== 'string') return null;
    return { systemFile, signature, output: () => bytes.toString('utf8', third + 1) };
  } catch {
    return null;
  }
}
