import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { BranchRefsCollector, type BranchRefs } from './snapshotParsers';

/*
 * The snapshot's refs read from the files of a plain `.git` (its loose refs and `packed-refs`) instead
 * of a `git for-each-ref` process: on a repository with thousands of branches that process is the
 * snapshot's longest read (~60 ms of git's CPU for 10,000 refs with their upstreams, 130–190 ms on two
 * busy cores), and starting it holds the starting thread (up to 20 ms in a large extension host).
 *
 * What it makes equals what parseBranchRefs makes of `git for-each-ref --format=BRANCH_REFS_FORMAT
 * refs/heads refs/remotes refs/tags` (an integration test holds the two to each other on random
 * repositories); both are collected by BranchRefsCollector. Anything this reader does not know as git
 * does answers null and git is asked: a ref store other than files (reftable), a shared git dir
 * (worktrees), a name that is not plain ASCII, a symbolic link, a damaged or symbolic loose ref other
 * than a remote's HEAD, legacy remotes files, a branch tracking a local branch (`remote = .`), a
 * refspec that is not plain, a valueless key. A false alarm costs only the git process this read saves.
 */

/** Loose refs past this many are left to git (one file each: reading them costs this thread). */
export const MAX_LOOSE_REFS = 1_000;

/**
 * The refs under refs/heads, refs/remotes and refs/tags of a plain git dir (loose over packed), sorted
 * by name: `shas[i]` is the object of `names[i]`, `symrefs` holds the targets of symbolic ones (a
 * remote's HEAD) by index.
 */
export interface RefFiles {
  names: string[];
  shas: string[];
  symrefs: Map<number, string>;
}

/**
 * Reads the refs of `gitDir` (as discovery names it), or null when git must read them. Loose refs
 * first, then `packed-refs`, as git reads them: a `git pack-refs` in between moves a ref from the
 * loose files into a packed-refs read after them, never out of both.
 */
export function readRefFiles(gitDir: string): RefFiles | null {
  const sources = readRefSources(gitDir);
  return sources && parseRefSources(sources);
}

/** What readRefFiles reads before it parses: the loose refs' contents by name, then packed-refs' bytes (empty without the file). */
export interface RefSources {
  loose: Map<string, string>;
  packed: Buffer;
}

/**
 * readRefFiles' reads (null when git must read the refs): the snapshot reads them before it starts
 * its git processes, checks the packed bytes for replace refs (cachesUsable) and parses them
 * (parseRefSources) while the processes run, so the file is read once.
 */
export function readRefSources(gitDir: string): RefSources | null {
  try {
    if (!lstatSync(gitDir).isDirectory()) return null;
    for (const other of ['commondir', 'reftable']) if (statSync(path.join(gitDir, other), { throwIfNoEntry: false })) return null;
    for (const legacy of ['remotes', 'branches']) {
      const dir = path.join(gitDir, legacy);
      if (statSync(dir, { throwIfNoEntry: false }) && readdirSync(dir).length > 0) return null;
    }
    const loose = new Map<string, string>(); // ref → file content
    for (const top of ['heads', 'remotes', 'tags']) if (!walkLoose(path.join(gitDir, 'refs', top), `refs/${top}`, loose)) return null;
    const packedFile = path.join(gitDir, 'packed-refs');
    return { loose, packed: statSync(packedFile, { throwIfNoEntry: false }) ? readFileSync(packedFile) : Buffer.alloc(0) };
  } catch {
    return null; // unreadable: git says what is wrong
  }
}

/** Loose local branches and tags at most that countRefs checks against packed-refs' text one by one. */
export const MAX_COUNTED_LOOSE = 64;

/**
 * How many local branches and tags readRefSources' reads hold (a loose ref over a packed one counts
 * once, as parseRefSources merges them), without making the lists: packed-refs' lines per namespace,
 * then each loose one that is not also packed. Null with more than MAX_COUNTED_LOOSE loose ones. What
 * parseRefSources leaves to git (an odd name, a symbolic branch) is counted as the files hold it.
 */
export function countRefs(sources: RefSources): { branches: number; tags: number } | null {
  const text = sources.packed.toString('latin1');
  let branches = 0;
  let tags = 0;
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(pos);
    if (first !== 0x23 /* # */ && first !== 0x5e /* ^ */) {
      const space = text.indexOf(' ', pos);
      if (space > 0 && space < end) {
        if (text.startsWith('refs/heads/', space + 1)) branches++;
        else if (text.startsWith('refs/tags/', space + 1)) tags++;
      }
    }
    pos = end + 1;
  }
  const loose = [...sources.loose.keys()].filter((ref) => ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/'));
  if (loose.length > MAX_COUNTED_LOOSE) return null;
  for (const ref of loose) {
    if (text.includes(` ${ref}\n`)) continue; // (packed too: counted above)
    if (ref.startsWith('refs/heads/')) branches++;
    else tags++;
  }
  return { branches, tags };
}

/** The refs of readRefSources' reads, or null when git must read them. */
export function parseRefSources(sources: RefSources): RefFiles | null {
  const packed = parsePacked(sources.packed.toString('latin1'));
  return packed && mergeLoose(packed, sources.loose);
}

/**
 * A name that breaks one of git's ref-name rules, or that this reader does not take as git does: a
 * character outside printable ASCII (spaces are checked apart: packed-refs' lines hold one) or one
 * git reserves, `..`, `@{`, `//`, a component starting with `.` or ending with `.lock`, a name ending
 * with `.` or `/`. (Matched against whole texts: one pass of the regular-expression engine instead of
 * a check per name.)
 */
const ODD_NAME = /[^ -~\n]|[~:?*[\\]|[^\n]\^|\.\.|@\{|\/\/|\/\.|\.lock(?:\/|$)|[./]$/m;

/** Lines of packed-refs as git writes them (after its header): `<sha> refs/…`, or `^<sha>` (a tag's peeled object). */
const PACKED_40 = /^(?![0-9a-f]{40} refs\/[!-~]+$|\^[0-9a-f]{40}$)/m;
const PACKED_64 = /^(?![0-9a-f]{64} refs\/[!-~]+$|\^[0-9a-f]{64}$)/m;

/** packed-refs' refs under refs/heads, refs/remotes and refs/tags, in its order (sorted); null when a line is not one git writes. */
function parsePacked(text: string): RefFiles | null {
  let pos = 0;
  let sorted = false;
  if (text.startsWith('# pack-refs with:')) {
    pos = text.indexOf('\n') + 1 || text.length;
    sorted = / sorted(?: |\n)/.test(text.slice(0, pos));
  }
  const names: string[] = [];
  const shas: string[] = [];
  if (pos >= text.length) return { names, shas, symrefs: new Map() };
  // git writes packed-refs sorted and says so in its header (the `sorted` trait); a file without it is left to git.
  if (!sorted) return null;
  if (!text.endsWith('\n')) return null;
  const body = text.slice(pos, -1);
  const width = body.indexOf(' ');
  if ((width === 40 ? PACKED_40 : width === 64 ? PACKED_64 : null)?.test(body) !== false || ODD_NAME.test(body)) return null;
  const len = text.length;
  while (pos < len) {
    const end = text.indexOf('\n', pos);
    if (text.charCodeAt(pos) !== 0x5e /* ^ */ && text.startsWith('refs/', pos + width + 1)) {
      const ref = text.slice(pos + width + 1, end);
      if (ref.startsWith('heads/', 5) || ref.startsWith('remotes/', 5) || ref.startsWith('tags/', 5)) {
        names.push(ref);
        shas.push(text.slice(pos, pos + width));
      }
    }
    pos = end + 1;
  }
  return { names, shas, symrefs: new Map() };
}

/** git's order of ref names: bytes (the names are ASCII here, so UTF-16 units are the bytes). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LOOSE_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})\n?$/;
const LOOSE_SYMREF = /^ref: (refs\/\S+)\n?$/;

/** The loose refs below `dir` (named `prefix/…`) into `out`; false when git must read them. */
function walkLoose(dir: string, prefix: string, out: Map<string, string>): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'; // no such folder: no loose refs there
  }
  for (const e of entries) {
    // (git skips hidden entries and lock files: a ref being written is read from where it was.)
    if (e.name.startsWith('.') || e.name.endsWith('.lock')) continue;
    const ref = `${prefix}/${e.name}`;
    if (ODD_NAME.test(e.name) || e.name.includes(' ')) return false;
    if (e.isDirectory()) {
      if (!walkLoose(path.join(dir, e.name), ref, out)) return false;
    } else if (e.isFile()) {
      if (out.size >= MAX_LOOSE_REFS) return false;
      out.set(ref, readFileSync(path.join(dir, e.name), 'latin1'));
    } else {
      return false; // a symbolic link (an old-style symbolic ref) or stranger
    }
  }
  return true;
}

/**
 * The packed refs with the loose ones over them, in order (the few loose ones sorted and merged in,
 * not the whole list sorted again: 12,000 names took ~25 ms of a cold process); null when a loose
 * ref is one git must read.
 */
function mergeLoose(packed: RefFiles, loose: Map<string, string>): RefFiles | null {
  if (loose.size === 0) return packed;
  const looseNames = [...loose.keys()].sort(byName);
  const names: string[] = [];
  const shas: string[] = [];
  const targets = new Map<number, string>(); // index → symbolic ref's target, resolved below
  let p = 0;
  for (const ref of looseNames) {
    while (p < packed.names.length && packed.names[p] < ref) {
      names.push(packed.names[p]);
      shas.push(packed.shas[p++]);
    }
    if (p < packed.names.length && packed.names[p] === ref) p++; // the loose one wins
    const content = loose.get(ref)!;
    const sha = LOOSE_SHA.exec(content)?.[1];
    if (!sha) {
      const target = LOOSE_SYMREF.exec(content)?.[1];
      // Only a remote's HEAD (refs/remotes/<remote>/HEAD) may be symbolic here: git's answers about
      // other symbolic refs (a branch aliasing a branch, its upstream) are left to git.
      if (!target || !ref.startsWith('refs/remotes/') || !ref.endsWith('/HEAD') || ODD_NAME.test(target)) return null;
      targets.set(names.length, target);
    }
    names.push(ref);
    shas.push(sha ?? '');
  }
  for (; p < packed.names.length; p++) {
    names.push(packed.names[p]);
    shas.push(packed.shas[p]);
  }
  const symrefs = new Map<number, string>();
  for (const [i, target] of targets) {
    const at = indexOfName(names, target);
    if (at < 0 || targets.has(at)) return null; // dangling or a chain: git decides
    shas[i] = shas[at];
    symrefs.set(i, target);
  }
  const width = shas[0]?.length;
  for (const sha of shas) if (sha.length !== width) return null;
  return { names, shas, symrefs };
}

/** Where `name` is in the sorted `names`, or -1. */
function indexOfName(names: readonly string[], name: string): number {
  let lo = 0;
  let hi = names.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (names[mid] === name) return mid;
    if (names[mid] < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* ------------------------------------------------------------------ upstreams */

/** What `%(upstream)` needs from the configuration (SNAPSHOT_CONFIG_ARGS' output): each branch's remote and merge, each remote's fetch refspecs. */
export interface UpstreamConfig {
  remoteOf: Map<string, string>;
  mergeOf: Map<string, string>;
  fetch: Map<string, Refspec[]>;
}

/** A fetch refspec: `<src>:<dst>`, a pattern split at its `*` (`prefix*suffix:dstPrefix*dstSuffix`); no dst: fetched, not stored. */
interface Refspec {
  src: string;
  dst: string | null;
  /** a pattern's parts; null for an exact refspec */
  star: { prefix: string; suffix: string; dstPrefix: string; dstSuffix: string } | null;
}

/**
 * The branch and remote sections of `git config -z --get-regexp` output, as remote.c reads them:
 * a branch's last `remote`, its first `merge`, a remote's fetch refspecs in order. Null when git must
 * answer: a valueless key, a branch tracking a local branch (`remote = .`), a refspec that is not plain
 * (negative, an odd character, a pattern on one side only).
 */
export function parseUpstreamConfig(output: string): UpstreamConfig | null {
  const remoteOf = new Map<string, string>();
  const mergeOf = new Map<string, string>();
  const fetch = new Map<string, Refspec[]>();
  for (let pos = 0, end = 0; pos < output.length; pos = end + 1) {
    end = output.indexOf('\0', pos);
    if (end < 0) end = output.length;
    const branch = output.startsWith('branch.', pos);
    if (!branch && !output.startsWith('remote.', pos)) continue;
    const nl = output.indexOf('\n', pos);
    const hasValue = nl >= 0 && nl < end;
    const keyEnd = hasValue ? nl : end;
    const last = output.lastIndexOf('.', keyEnd);
    const first = pos + 6; // the dot after "branch" or "remote"
    if (last <= first) continue; // no subsection
    const name = output.slice(last + 1, keyEnd);
    if (branch ? name !== 'remote' && name !== 'merge' : name !== 'fetch') continue;
    if (!hasValue) return null;
    const sub = output.slice(first + 1, last);
    const value = output.slice(nl + 1, end);
    if (!branch) {
      const spec = parseRefspec(value);
      if (!spec) return null;
      const specs = fetch.get(sub);
      if (specs) specs.push(spec);
      else fetch.set(sub, [spec]);
    } else if (name === 'remote') {
      if (value === '.') return null;
      remoteOf.set(sub, value);
    } else if (!mergeOf.has(sub)) mergeOf.set(sub, value);
  }
  return { remoteOf, mergeOf, fetch };
}

/** A fetch refspec of plain refs (`+refs/heads/*:refs/remotes/origin/*`, `refs/heads/main`), or null. */
function parseRefspec(text: string): Refspec | null {
  const m = /^\+?([^:]+)(?::([^:]+))?$/.exec(text);
  if (!m) return null;
  const [, src, dst] = m;
  const stars = (s: string) => s.split('*').length - 1;
  const plain = (s: string) => /^refs\/[A-Za-z0-9._\-/*]+$/.test(s) && !s.includes('..') && !s.includes('//') && !s.endsWith('/');
  if (!plain(src) || (dst !== undefined && !plain(dst)) || stars(src) > 1) return null;
  if (dst !== undefined && stars(dst) !== stars(src)) return null;
  if (dst === undefined && stars(src) > 0) return null;
  if (dst === undefined || stars(src) === 0) return { src, dst: dst ?? null, star: null };
  const [prefix, suffix] = src.split('*');
  const [dstPrefix, dstSuffix] = dst.split('*');
  return { src, dst, star: { prefix, suffix, dstPrefix, dstSuffix } };
}

/** remote.c's query_refspecs: where `ref` of the remote is stored by its fetch refspecs (the first that maps it). */
function trackingRef(specs: readonly Refspec[] | undefined, ref: string): string | null {
  for (const spec of specs ?? []) {
    if (spec.dst === null) continue;
    const star = spec.star;
    if (!star) {
      if (spec.src === ref) return spec.dst;
    } else if (ref.length >= star.prefix.length + star.suffix.length && ref.startsWith(star.prefix) && ref.endsWith(star.suffix)) {
      return star.dstPrefix + ref.slice(star.prefix.length, ref.length - star.suffix.length) + star.dstSuffix;
    }
  }
  return null;
}

/** A local branch's `%(upstream)`: its merge ref mapped through its remote's fetch refspecs; '' when none. */
function upstreamOf(branch: string, config: UpstreamConfig): string {
  const remote = config.remoteOf.get(branch);
  const merge = config.mergeOf.get(branch);
  if (remote === undefined || merge === undefined) return '';
  return trackingRef(config.fetch.get(remote), merge) ?? '';
}

/**
 * What `parseBranchRefs` makes of git's `for-each-ref --format=BRANCH_REFS_FORMAT refs/heads refs/remotes
 * refs/tags` for these refs and this configuration, made from them directly (no text made and parsed again).
 */
export function branchRefsFromFiles(refs: RefFiles, config: UpstreamConfig, remoteNames: readonly string[]): BranchRefs {
  const collected = new BranchRefsCollector(remoteNames);
  const tagRows: string[] = [];
  const { names, shas, symrefs } = refs;
  for (let i = 0; i < names.length; i++) {
    const ref = names[i];
    if (ref.startsWith('refs/heads/')) {
      const name = ref.slice('refs/heads/'.length);
      collected.head(ref, name, shas[i], upstreamOf(name, config) || null);
    } else if (ref.startsWith('refs/remotes/')) {
      collected.remoteBranch(ref, ref.slice('refs/remotes/'.length), symrefs.has(i) ? null : shas[i]);
    } else {
      collected.tag(ref.slice('refs/tags/'.length));
      tagRows.push(`${ref}\0${shas[i]}\0\0`);
    }
  }
  return collected.done(tagRows.join('\n'));
}

/** The tags' rows of `for-each-ref --format=BRANCH_REFS_FORMAT refs/tags` (each ends with a newline), from the files. */
export function tagRowsOf(refs: RefFiles): string {
  let first = refs.names.length;
  while (first > 0 && refs.names[first - 1].startsWith('refs/tags/')) first--; // (tags sort last)
  const rows: string[] = [];
  for (let i = first; i < refs.names.length; i++) rows.push(`${refs.names[i]}\0${refs.shas[i]}\0\0\n`);
  return rows.join('');
}
