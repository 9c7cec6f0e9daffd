/**
 * Containment: every path the tool writes must stay inside the folder it belongs to (the work tree
 * for release files, the git directory for the audit log). A path from configuration or a plan is
 * refused when it is absolute, has a `..` part, goes into `.git`, or when any EXISTING part of it is
 * a symbolic link (checked with lstat, part by part) — a link could point anywhere, so it is never
 * followed. The deepest existing folder is also realpath-checked, so a folder that is itself reached
 * through a link (a bind mount, a renamed parent) cannot lead outside either.
 *
 * Checks are made right before each write too (the repository may change between plan and write).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SdlcError } from '../errors';

export interface ContainmentOptions {
  /** What the path is, for messages: "The release file", "The audit log", … */
  what?: string;
  /** Refuse paths whose first part is `.git` (default true: release files never live there). */
  refuseGitDir?: boolean;
}

/**
 * The `/`-separated normal form of a relative path, or an SdlcError (usage) when it is empty,
 * absolute, has a `..` part, or (by default) points into `.git`. Lexical only: touches nothing.
 */
export function checkRelativePath(relPath: string, options: ContainmentOptions = {}): string {
  const what = options.what ?? 'The path';
  const p = relPath.replace(/\\/g, '/');
  const refuse = (why: string) => new SdlcError('PathOutsideWorkTree', `${what} "${relPath}" ${why}; use a path relative to the folder, inside it.`, { usage: true });
  if (p.trim() === '') throw refuse('is empty');
  if (p.includes('\0')) throw refuse('contains a NUL character');
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || /^[A-Za-z]:/.test(p)) throw refuse('is absolute');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0) throw refuse('names the folder itself, not a file in it');
  if (parts.includes('..')) throw refuse('goes up with ".."');
  if (options.refuseGitDir !== false && parts[0].toLowerCase() === '.git') throw refuse('points into the .git folder');
  return parts.join('/');
}

/** Is `child` (absolute) `parent` itself or below it? Lexical, on resolved paths. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  // `..x` is a name inside; only `..` itself or `../…` leave.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The absolute path of `relPath` inside `root`, after checking that it stays there: no `..`, not
 * absolute, no existing part that is a symbolic link, the deepest existing folder really inside
 * `root` (realpath), and an existing last part that is a regular file. Throws SdlcError
 * `PathOutsideWorkTree` / `SymlinkRefused` (usage errors) otherwise.
 */
export async function assertInside(root: string, relPath: string, options: ContainmentOptions = {}): Promise<string> {
  const what = options.what ?? 'The path';
  const normal = checkRelativePath(relPath, options);
  const realRoot = await fs.realpath(root);
  const parts = normal.split('/');
  let current = root;
  let deepestDir = root;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const stat = await fs.lstat(current).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (stat === null) break;
    if (stat.isSymbolicLink()) {
      const target = await fs.readlink(current).catch(() => '?');
      throw new SdlcError(
        'SymlinkRefused',
        `${what} "${relPath}" goes through the symbolic link ${parts.slice(0, i + 1).join('/')} (→ ${target}); the tool never writes through links. Replace the link with a real ${i === parts.length - 1 ? 'file' : 'folder'}, or change the path.`,
        { usage: true },
      );
    }
    const last = i === parts.length - 1;
    if (!last && !stat.isDirectory()) {
      throw new SdlcError('PathOutsideWorkTree', `${what} "${relPath}" cannot be written: ${parts.slice(0, i + 1).join('/')} is not a folder.`, { usage: true });
    }
    if (last && !stat.isFile()) {
      throw new SdlcError('PathOutsideWorkTree', `${what} "${relPath}" is not a regular file; only regular files are written.`, { usage: true });
    }
    if (!last) deepestDir = current;
  }
  const realDir = await fs.realpath(deepestDir);
  if (!isInside(realRoot, realDir)) {
    throw new SdlcError('PathOutsideWorkTree', `${what} "${relPath}" resolves outside ${root} (its folder is really ${realDir}).`, { usage: true });
  }
  return path.join(root, ...parts);
}

/**
 * An absolute path (e.g. a configured audit log) checked to be inside one of `allowedRoots`, with
 * the same rules below that root: no link among its existing parts, realpath of its folder inside.
 * Returns the absolute path; throws SdlcError `PathOutsideWorkTree` / `SymlinkRefused` otherwise.
 */
export async function assertInsideAny(allowedRoots: readonly string[], absolutePath: string, options: ContainmentOptions = {}): Promise<string> {
  const target = path.resolve(absolutePath);
  for (const root of allowedRoots) {
    if (!isInside(root, target) || path.resolve(root) === target) continue;
    return assertInside(root, path.relative(path.resolve(root), target).split(path.sep).join('/'), { ...options, refuseGitDir: false });
  }
  throw new SdlcError('PathOutsideWorkTree', `${options.what ?? 'The path'} ${absolutePath} is not inside ${allowedRoots.join(' or ')}; choose a path there.`, { usage: true });
}
