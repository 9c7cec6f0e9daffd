import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { TagInfo } from './git';
import { sha256 } from '../sha256';
import { AheadBehindCounter, packCounter, parseCommitGraph, unpackCounter, type CommitGraph } from './aheadBehind';

/**
 * A graph with its counter (segments, dominators, sizes), built as soon as the graph is parsed —
 * while git still reads the refs — so it is ready when the pairs are known. (When the refs show tips
 * the cached graph lacks, the graph is parsed and prepared again with them: the first preparation
 * was a bet on the common case, nothing new since the last snapshot.)
 */
export interface PreparedGraph {
  readonly graph: CommitGraph;
  readonly counter: AheadBehindCounter;
}

export function prepareGraph(graph: CommitGraph): PreparedGraph {
  return { graph, counter: new AheadBehindCounter(graph) };
}

/* ------------------------------------------------------------------ graph cache */

/**
 * The commit graph of the last full snapshot, as `rev-list --parents` text, in `.git/sdlc/graph-cache-v1`
 * (next to the audit log; never committed). Commits never change, so a cached line stays true; the
 * file only grows by the commits of new tips (each read excludes the graph's heads, whose ancestors are
 * all in it). Not used where parents can change under the same commit: shallow repositories
 * (`git fetch --unshallow` adds parents), replace refs and grafts; nor where `.git` is not a folder
 * in the work tree (worktrees, submodules: then the graph is read whole, as without a cache).
 */
export interface GraphCache {
  file: string;
  /** the text (read when needed: a cache whose image is current is never parsed) */
  text(): Promise<string>;
  /** the graph of the text, ready to count */
  prepared: PreparedGraph;
}

const GRAPH_CACHE = ['sdlc', 'graph-cache-v1'];
/**
 * Next to the text, `graph-cache-v1.prepared`: the parsed graph with its segments and dominators as a
 * binary image (packCounter), stamped with the size and modification time of the text it was made
 * from. While the stamp matches, a snapshot reads the image instead of parsing the text and preparing
 * the counter again (on a 50,000-commit history that is most of a warm snapshot's own CPU time).
 */
const GRAPH_IMAGE_SUFFIX = '.prepared';
/** Beyond this the graph is read from git each time (and beyond this an image is not written). */
const GRAPH_CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Whether a snapshot may use and write its caches (the graph's and the tag objects'): not where
 * objects can show other parents or contents under the same id (replace refs, grafts) nor in a
 * shallow repository, and only where `<root>/.git` is a folder. Asked once per snapshot.
 * `packedRefs`: `<root>/.git/packed-refs` when the caller has read it already (readRefSources).
 */
export function cachesUsable(root: string, packedRefs?: Buffer): boolean {
  // Asked synchronously (~2 ms, most of it reading the packed-refs of 15,000 refs): asynchronous
  // checks, each step waiting for a turn of a busy extension host, answered 60–70 ms after the
  // snapshot's git reads had ended.
  const at = (...p: string[]) => path.join(root, '.git', ...p);
  const readOr = <T>(read: () => T, otherwise: T): T => {
    try {
      return read();
    } catch {
      return otherwise;
    }
  };
  return (
    readOr(() => statSync(at()).isDirectory(), false) &&
    !existsSync(at('shallow')) &&
    !existsSync(at('info', 'grafts')) &&
    !process.env.GIT_REPLACE_REF_BASE &&
    readOr(() => readdirSync(at('refs', 'replace')), []).length === 0 &&
    // (Searched as bytes: decoding a packed-refs of 15,000 refs took ~25 ms of this thread. `packedRefs`:
    // the file as the snapshot's ref reader read it, so it is not read twice.)
    !(packedRefs ?? readOr(() => readFileSync(at('packed-refs')), Buffer.alloc(0))).includes(' refs/replace/')
  );
}

/**
 * The cache when present and usable, else null (then the graph is read whole): from the image when its
 * stamp matches the text, else parsed from the text (and the image written for the next time).
 */
export async function openGraphCache(root: string, usable: boolean): Promise<GraphCache | null> {
  if (!usable) return null;
  const file = path.join(root, '.git', ...GRAPH_CACHE);
  const [st, image] = await Promise.all([fs.stat(file).catch(() => null), readWhole(file + GRAPH_IMAGE_SUFFIX)]);
  if (!st) return null;
  const restored = image ? unpackCounter(image) : null;
  if (restored && restored.stamp[0] === st.size && restored.stamp[1] === st.mtimeMs) {
    let text: Promise<string> | undefined;
    return { file, text: () => (text ??= fs.readFile(file, 'utf8')), prepared: { graph: restored.graph, counter: restored.counter } };
  }
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null || !text.endsWith('\n')) return null;
  const prepared = prepareGraph(parseCommitGraph(text));
  // Stamped with the stat taken before the read: if the text changed in between, the stamp is stale
  // and the next snapshot parses the text again.
  await writeGraphImage(file, prepared, st);
  return { file, text: () => Promise.resolve(text), prepared };
}

/**
 * A file's bytes in one read, null when it cannot be read. (fs.readFile reads in 512 KiB steps, each
 * waiting for a turn of this thread, which is busy starting git processes at that moment.)
 */
async function readWhole(file: string): Promise<Buffer | null> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes the cache after a full read (first snapshot of a repository). Failures are ignored: it is only a cache. */
export async function startGraphCache(root: string, text: string, prepared: PreparedGraph, usable: boolean): Promise<void> {
  if (text.length === 0 || !usable) return;
  await writeGraphCache(path.join(root, '.git', ...GRAPH_CACHE), text, prepared);
}

/** The text, then the image stamped with the text's new size and time. */
export async function writeGraphCache(file: string, text: string, prepared: PreparedGraph): Promise<void> {
  if (text.length > GRAPH_CACHE_MAX_BYTES) return;
  if (!(await writeAtomically(file, text))) return;
  const st = await fs.stat(file).catch(() => null);
  if (st) await writeGraphImage(file, prepared, st);
}

async function writeGraphImage(file: string, prepared: PreparedGraph, stamp: { size: number; mtimeMs: number }): Promise<void> {
  const image = packCounter(prepared.graph, prepared.counter, [stamp.size, stamp.mtimeMs]);
  // (About 70 bytes per commit: the sha, parents, generation, segments, dominator and jump, the sha table: ~3.5 million commits fit.)
  if (image && image.length <= GRAPH_CACHE_MAX_BYTES) await writeAtomically(file + GRAPH_IMAGE_SUFFIX, image);
}

/** Writes a cache file whole (a new file renamed over the old) or not at all; `mode` for a new file (default 0666 less the umask). */
export async function writeAtomically(file: string, data: string | Uint8Array, mode?: number): Promise<boolean> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, data, mode === undefined ? undefined : { mode });
    await fs.rename(tmp, file);
    return true;
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}

/* ------------------------------------------------------------------ counts */

/**
 * Every local branch's last counted ahead/behind by its pair of commits, in `.git/sdlc/counts-v1`: how
 * far one commit is ahead of and behind another never changes where the caches are usable (no
 * replace refs, grafts or shallow history), so a snapshot whose pairs were all counted before opens
 * no graph at all (on 5,000 branches: the image's read and check and the count, ~50 ms of a CLI).
 * One line per pair, `<left> <right> <ahead> <behind>`, after a header with their number; only the
 * last snapshot's pairs are kept.
 */
const COUNTS_CACHE = ['sdlc', 'counts-v1'];
const COUNTS_HEADER = 'sdlc-counts 1 ';

export interface Counts {
  ahead: number;
  behind: number;
}

/**
 * The pairs' counts kept by the last snapshot, looked up where they are in the file's text: asked in
 * the order they were written (the refs' order, the common case: the same branches as last time), each
 * is found where the one before ended, and no key or object is made for the others (5,000 pairs read
 * into a map cost a cold CLI ~20 ms). A pair not found there is looked up in a map of the whole memo,
 * made the first time one is asked.
 */
export class CountsMemo {
  private at: number;
  private byPair: Map<string, Counts> | undefined;

  constructor(
    private readonly text: string,
    first: number,
  ) {
    this.at = first;
  }

  get(left: string, right: string): Counts | undefined {
    const found = this.lineAt(this.at, left, right);
    if (found) return found;
    this.byPair ??= this.index();
    return this.byPair.get(left + right);
  }

  /** Whether a pair was asked that is not where the one before ended (the memo is then worth writing again in order). */
  get outOfPlace(): boolean {
    return this.byPair !== undefined;
  }

  /** The counts on the line at `pos` when it is this pair's (and the cursor past it), else undefined. */
  private lineAt(pos: number, left: string, right: string): Counts | undefined {
    const text = this.text;
    const r = pos + left.length + 1;
    if (!text.startsWith(left, pos) || text.charCodeAt(r - 1) !== 0x20 || !text.startsWith(right, r) || text.charCodeAt(r + right.length) !== 0x20) return undefined;
    const ahead = digitsAt(text, r + right.length + 1, 0x20);
    if (!ahead) return undefined;
    const behind = digitsAt(text, ahead.end + 1, 0x0a);
    if (!behind) return undefined;
    this.at = behind.end + 1;
    return { ahead: ahead.value, behind: behind.value };
  }

  /** Every line's pair and counts (keyed by `left + right`); empty when a line is damaged. */
  private index(): Map<string, Counts> {
    const memo = new Map<string, Counts>();
    const text = this.text;
    for (let pos = text.indexOf('\n') + 1; pos < text.length; ) {
      const end = text.indexOf('\n', pos);
      const a = text.indexOf(' ', pos);
      const b = text.indexOf(' ', a + 1);
      const c = text.indexOf(' ', b + 1);
      const ahead = digitsAt(text, b + 1, 0x20);
      const behind = digitsAt(text, c + 1, 0x0a);
      if (end < 0 || a < 0 || b > end || c > end || !ahead || !behind || ahead.end !== c || behind.end !== end) return new Map();
      memo.set(text.slice(pos, a) + text.slice(a + 1, b), { ahead: ahead.value, behind: behind.value });
      pos = end + 1;
    }
    return memo;
  }
}

/** The decimal number (as the memo writes them: no sign, no leading zero) at `pos`, ended by `stop`. */
function digitsAt(text: string, pos: number, stop: number): { value: number; end: number } | undefined {
  let value = 0;
  let end = pos;
  for (let c = text.charCodeAt(end); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++end)) value = value * 10 + (c - 0x30);
  const digits = end - pos;
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(pos) === 0x30) || text.charCodeAt(end) !== stop) return undefined;
  return { value, end };
}

/** The memo of the last snapshot's pairs, or null when there is none (or its header or number of lines is not what was written). */
export function readCountsMemo(root: string): CountsMemo | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, '.git', ...COUNTS_CACHE), 'latin1');
  } catch {
    return null;
  }
  if (!text.startsWith(COUNTS_HEADER) || !text.endsWith('\n')) return null;
  const first = text.indexOf('\n') + 1;
  const n = Number(text.slice(COUNTS_HEADER.length, first - 1));
  let lines = 0;
  for (let pos = text.indexOf('\n', first); pos >= 0; pos = text.indexOf('\n', pos + 1)) lines++;
  return lines === n ? new CountsMemo(text, first) : null;
}

/** Removes the memo (where the caches are not usable: its counts may not be the graph's now). */
export async function removeCountsMemo(root: string): Promise<void> {
  await fs.rm(path.join(root, '.git', ...COUNTS_CACHE), { force: true }).catch(() => undefined);
}

/** Replaces the memo with these pairs' counts. Failures are ignored: it is only a cache. */
export async function writeCountsMemo(root: string, pairs: ReadonlyArray<{ left: string; right: string; ahead: number; behind: number }>): Promise<void> {
  // Every pair in the order given (the refs' order), a pair twice too: the next snapshot finds each where it asks (CountsMemo).
  const lines = pairs.map((p) => `${p.left} ${p.right} ${p.ahead} ${p.behind}\n`);
  await writeAtomically(path.join(root, '.git', ...COUNTS_CACHE), `${COUNTS_HEADER}${lines.length}\n${lines.join('')}`);
}

/* ------------------------------------------------------------------ tags */

/**
 * The tags of the last full tag read (parseTags of TAG_FORMAT), in `.git/sdlc/tags-v3`, with the
 * SHA-256 of their key (the tags' rows as the snapshot's ref read gives them: each tag's ref and
 * object). An object's type, peeled commit and subject never change, so while the refs name the same
 * objects the tags are the same; the snapshot then does not make git open every tag object, and the
 * names are not parsed and sorted again. (Version 2 kept the key whole, a third of the file: reading
 * and parsing it cost a new process ~13 ms more than hashing the key, ~1 ms for 5,000 tags.)
 */
const TAG_CACHE = ['sdlc', 'tags-v3'];
/** The earlier format's file, removed when the cache is written. */
const OLD_TAG_CACHE = ['sdlc', 'tags-v2'];

/**
 * The tag cache of a repository when its file exists (a synchronous check: without one, the full tag
 * read must start at once), else null. `read()` gives its tags and their key, or null when the file
 * does not hold them. It reads synchronously (1 MB for 5,000 tags: ~2 ms, and the parse): the
 * snapshot calls it while its git processes run. Asynchronous reads, each step waiting for a turn
 * of a busy extension host, made the tags arrive 80–140 ms after the snapshot's git reads. Only for
 * a snapshot whose caches may be used (cachesUsable).
 */
export function tagCacheOf(root: string): { read(): CachedTags | null } | null {
  const file = path.join(root, '.git', ...TAG_CACHE);
  if (!existsSync(file)) return null;
  return {
    read() {
      try {
        // The same file as at the last read in this process (it is only ever replaced, by a rename):
        // its tags as parsed then. The editor's snapshots follow every change in the work tree, and
        // parsing 5,000 tags took 30–55 ms of its busy extension host each time.
        const st = statSync(file);
        const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
        let last = parsedTags.get(file);
        if (last?.stamp !== stamp) {
          if (!parsedTags.has(file) && parsedTags.size >= PARSED_TAGS_KEPT) parsedTags.clear();
          last = { stamp, cached: parseTagCache(readFileSync(file, 'utf8')) };
          parsedTags.set(file, last);
        }
        const { cached } = last;
        return cached && { keyDigest: cached.keyDigest, tags: cached.tags.slice() };
      } catch {
        return null;
      }
    },
  };
}

/** The last parse of each tag cache file in this process, with the file's identity (inode, size, time) when read. */
const parsedTags = new Map<string, { stamp: string; cached: CachedTags | null }>();
/** Repositories whose parsed tags are kept at once (a workspace rarely has more). */
const PARSED_TAGS_KEPT = 32;

function parseTagCache(text: string): CachedTags | null {
  try {
    const cached = JSON.parse(text) as { keyDigest?: unknown; tags?: unknown };
    if (typeof cached.keyDigest !== 'string' || !Array.isArray(cached.tags) || !cached.tags.every(isTagInfo)) return null;
    return { keyDigest: cached.keyDigest, tags: cached.tags };
  } catch {
    return null;
  }
}

export interface CachedTags {
  /** tagKeyDigest of the key the tags were read with */
  keyDigest: string;
  tags: TagInfo[];
}

/** The cached tags when they are the tags of this key (parseBranchRefs' tagKey), else null. */
export function cachedTagsFor(cached: CachedTags | null, key: string): TagInfo[] | null {
  if (!cached) return null;
  // No tags: the cache's are current when it holds none (nothing to hash, and no node:crypto to load).
  if (key === '') return cached.tags.length === 0 ? cached.tags : null;
  return cached.keyDigest === tagKeyDigest(key) ? cached.tags : null;
}

function tagKeyDigest(key: string): string {
  return sha256(key).toString('hex');
}

/**
 * The lines of `for-each-ref --format=<TAG_LIST_FORMAT>%00%(*objecttype) refs/tags` from the cached
 * tags, when `rows` (the same tags read with BRANCH_REFS_FORMAT, which opens no tag object) are their
 * key; else null. A cached tag keeps only the commit an annotated tag peels to, not that object's
 * type: the last field is then `?` ("not known"; tagLists asks git where that matters), empty for a
 * lightweight tag as git prints it. In git's order (by ref name).
 */
export function tagListFromCache(cached: CachedTags | null, rows: string): string | null {
  const tags = cachedTagsFor(cached, rows.endsWith('\n') ? rows.slice(0, -1) : rows);
  if (!tags) return null;
  const byName = new Map(tags.map((t) => [t.name, t]));
  let out = '';
  for (const row of rows.split('\n')) {
    if (!row) continue;
    const [ref, object] = row.split('\0');
    const tag = ref.startsWith('refs/tags/') ? byName.get(ref.slice('refs/tags/'.length)) : undefined;
    if (!tag) return null;
    out += tag.annotated ? `${tag.name}\0${object}\0${tag.sha}\0?\n` : `${tag.name}\0${object}\0\0\n`;
  }
  return out;
}

/** Replaces the file after a full tag read; removes it where caches are not to be used. */
export async function writeTagCache(root: string, key: string, tags: readonly TagInfo[], usable: boolean): Promise<void> {
  const file = path.join(root, '.git', ...TAG_CACHE);
  await fs.rm(path.join(root, '.git', ...OLD_TAG_CACHE), { force: true }).catch(() => undefined);
  if (usable) await writeAtomically(file, JSON.stringify({ keyDigest: tagKeyDigest(key), tags }));
  else await fs.rm(file, { force: true }).catch(() => undefined);
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function isTagInfo(t: unknown): t is TagInfo {
  if (typeof t !== 'object' || t === null) return false;
  const { name, sha, version, annotated, subject } = t as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    typeof sha === 'string' &&
    OBJECT_ID.test(sha) &&
    (version === null || typeof version === 'string') &&
    (annotated === undefined || typeof annotated === 'boolean') &&
    (subject === undefined || typeof subject === 'string')
  );
}
