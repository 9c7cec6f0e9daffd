/**
 * Ahead/behind counts computed in memory from one read of the commit graph.
 *
 * Asking git for `%(upstream:track)` walks history once per branch (17 s on 5,000 branches).
 * Instead the graph is read once (`git rev-list --parents`), every commit gets a generation number
 * (1 + the highest generation of its parents), and each pair is counted by painting down from both
 * tips in decreasing generation order, stopping as soon as everything left in the queue is reachable
 * from both tips. The work per pair is proportional to how far the two have diverged; runs of
 * single-parent commits are one step (segments), long one-sided stretches are jumped with the
 * dominator tree, and where that cannot apply (merge-heavy histories) long walks go to reachability
 * bitmaps (ReachBitmaps).
 */
import { sha256 } from '../sha256';

export interface CommitGraph {
  /** sha → index */
  readonly index: ReadonlyMap<string, number>;
  /** parents of commit i are parentList[parentStart[i] .. parentStart[i + 1]) (parents missing from the graph are left out) */
  readonly parentStart: Int32Array;
  readonly parentList: Int32Array;
  /** generation number of each commit (roots are 1) */
  readonly generation: Int32Array;
}

/** Parses `git rev-list --parents` output: one line per commit, `sha parent1 parent2 …`. */
export function parseRevListParents(output: string): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const line of output.split('\n')) {
    if (!line) continue;
    const parts = line.trim().split(' ');
    out.push([parts[0], parts.slice(1)]);
  }
  return out;
}

export function buildCommitGraph(commits: Iterable<readonly [string, readonly string[]]>): CommitGraph {
  const index = new Map<string, number>();
  const rawParents: (readonly string[])[] = [];
  let edges = 0;
  for (const [sha, parents] of commits) {
    if (index.has(sha)) continue;
    index.set(sha, rawParents.length);
    rawParents.push(parents);
    edges += parents.length;
  }
  const n = rawParents.length;
  const parentStart = new Int32Array(n + 1);
  const parentList = new Int32Array(edges);
  let k = 0;
  for (let c = 0; c < n; c++) {
    parentStart[c] = k;
    for (const p of rawParents[c]) {
      const i = index.get(p);
      if (i === undefined) continue;
      let dup = false;
      for (let j = parentStart[c]; j < k; j++) if (parentList[j] === i) dup = true;
      if (!dup) parentList[k++] = i;
    }
  }
  parentStart[n] = k;
  return { index, parentStart, parentList, generation: computeGenerations(parentStart, parentList) };
}

/**
 * `buildCommitGraph(parseRevListParents(output))` straight from the text. rev-list prints fixed-width
 * hex shas, so the fast path never cuts a string: a sha is found by position arithmetic, hashed by
 * its first 8 hex digits into an open-addressing table of typed arrays, and compared in place; parents
 * are kept as integers. Any other text (names of other widths, as in tests) takes the general path.
 * Same result either way: first occurrence of a commit wins, parents outside the output are dropped,
 * duplicate parents kept once.
 */
export function parseCommitGraph(output: string): CommitGraph {
  return parseFixedWidth(output) ?? parseGeneral(output);
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/** The first 8 hex digits at `at` as an unsigned integer; -1 when one is not a lower-case hex digit. */
function hex8(text: string, at: number): number {
  let h = 0;
  for (let i = 0; i < 8; i++) {
    const c = text.charCodeAt(at + i);
    const d = c < 128 ? HEX[c] : -1;
    if (d < 0) return -1;
    h = (h << 4) | d;
  }
  return h >>> 0;
}

function parseFixedWidth(output: string): CommitGraph | null {
  const len = output.length;
  if (len === 0) return null;
  let width = 0;
  while (width < len && output.charCodeAt(width) !== 32 && output.charCodeAt(width) !== 10) width++;
  if (width !== 40 && width !== 64) return null;
  let lines = 0;
  for (let i = output.indexOf('\n'); i >= 0; i = output.indexOf('\n', i + 1)) lines++;
  if (output.charCodeAt(len - 1) !== 10) return null;
  const index = new HexShaIndex(output, width, lines);
  // Pass 1: number the commits in output order. A line is `sha( sha)*\n`: after each sha comes a
  // space (another sha follows) or the newline.
  const lineStart = new Int32Array(lines);
  let n = 0;
  let edges = 0;
  const step = width + 1;
  for (let pos = 0; pos < len; ) {
    const i = index.add(pos);
    if (i < 0) return null;
    let end = pos + width;
    let parents = 0;
    while (end < len && output.charCodeAt(end) === 32) {
      end += step;
      parents++;
    }
    if (end >= len || output.charCodeAt(end) !== 10) return null;
    if (i === n) {
      lineStart[n++] = pos;
      edges += parents;
    }
    pos = end + 1;
  }
  // Pass 2: parents as indices.
  const parentStart = new Int32Array(n + 1);
  const list = new Int32Array(edges);
  let k = 0;
  for (let c = 0; c < n; c++) {
    parentStart[c] = k;
    for (let at = lineStart[c] + width; output.charCodeAt(at) === 32; at += step) {
      const p = index.find(at + 1);
      if (p < 0) continue;
      let dup = false;
      for (let j = parentStart[c]; j < k; j++) if (list[j] === p) dup = true;
      if (!dup) list[k++] = p;
    }
  }
  parentStart[n] = k;
  const parentList = list.slice(0, k);
  return { index, parentStart, parentList, generation: computeGenerations(parentStart, parentList) };
}

/** The read-only Map of a sha index from its `get`, `size` and `entries` (commit indexes are 0 … size - 1). */
abstract class ShaIndex implements ReadonlyMap<string, number> {
  abstract readonly size: number;
  abstract get(sha: string): number | undefined;
  abstract entries(): MapIterator<[string, number]>;

  has(sha: string): boolean {
    return this.get(sha) !== undefined;
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield i;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

/**
 * sha → commit index over fixed-width hex shas where they stand in the rev-list text (commit i's sha
 * starts at start[i]). Open addressing, linear probing, a table at most half full.
 */
class HexShaIndex extends ShaIndex {
  private readonly table: Int32Array; // commit index + 1, 0 = free
  private readonly mask: number;
  private readonly start: Int32Array;
  private count = 0;
  private slot = 0; // where the last failed lookup stopped (add inserts there)

  constructor(
    private readonly text: string,
    private readonly width: number,
    capacity: number,
  ) {
    super();
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.start = new Int32Array(capacity);
  }

  /** The shas back to back (commit order) and the hash table: what PackedShaIndex restores (the shas as bytes). */
  packed(): { shas: string; width: number; table: Int32Array; count: number } {
    let shas = '';
    const parts: string[] = [];
    for (let i = 0; i < this.count; i++) {
      parts.push(this.text.slice(this.start[i], this.start[i] + this.width));
      if (parts.length === 4096) {
        shas += parts.join('');
        parts.length = 0;
      }
    }
    shas += parts.join('');
    return { shas, width: this.width, table: this.table, count: this.count };
  }

  get size(): number {
    return this.count;
  }

  /** The index of the sha at `at` in the text, added as the next index when new; -1 when not hex. */
  add(at: number): number {
    const found = this.lookup(this.text, at);
    if (found !== -1) return found;
    if (hex8(this.text, at) < 0) return -1;
    const i = this.count++;
    this.start[i] = at;
    this.table[this.slot] = i + 1;
    return i;
  }

  /** The index of the sha at `at` in the text, -1 when absent. */
  find(at: number): number {
    return this.lookup(this.text, at);
  }

  /** Looks up the sha starting at `at` in `s` (the text itself, or a query string). */
  private lookup(s: string, at: number): number {
    const h = hex8(s, at);
    if (h < 0) return -1;
    const { table, mask, text, width } = this;
    let slot = h & mask;
    for (;;) {
      const e = table[slot] - 1;
      if (e < 0) break;
      const from = this.start[e];
      let i = 0;
      while (i < width && text.charCodeAt(from + i) === s.charCodeAt(at + i)) i++;
      if (i === width) return e;
      slot = (slot + 1) & mask;
    }
    this.slot = slot;
    return -1;
  }

  get(sha: string): number | undefined {
    if (sha.length !== this.width) return undefined;
    // As lookup, with one native comparison per probe (a lookup is ~1 µs less in a cold process).
    const h = hex8(sha, 0);
    if (h < 0) return undefined;
    const { table, mask, text } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot] - 1;
      if (e < 0) return undefined;
      if (text.startsWith(sha, this.start[e])) return e;
    }
  }

  *entries(): MapIterator<[string, number]> {
    for (let i = 0; i < this.count; i++) yield [this.text.slice(this.start[i], this.start[i] + this.width), i];
  }
}

/**
 * The index of a restored image (unpackCounter): the shas as the image's bytes, the hash table as it
 * was (HexShaIndex's, whose hash is a sha's first 8 hex digits: its first 4 bytes). Nothing is made
 * at restore: the hex text of 75,000 shas was 3 MB of new memory and 12 ms. A lookup compares the
 * query's hex digits with the bytes.
 */
class PackedShaIndex extends ShaIndex {
  private readonly mask: number;
  private readonly bytesPerSha: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly width: number,
    private readonly table: Int32Array,
    readonly size: number,
  ) {
    super();
    this.mask = table.length - 1;
    this.bytesPerSha = width / 2;
  }

  get(sha: string): number | undefined {
    if (sha.length !== this.width) return undefined;
    const h = hex8(sha, 0);
    if (h < 0) return undefined;
    const { table, mask, bytes, bytesPerSha } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = table[slot] - 1;
      if (e < 0) return undefined;
      const base = e * bytesPerSha;
      let j = 0;
      while (j < bytesPerSha) {
        const hi = sha.charCodeAt(2 * j);
        const lo = sha.charCodeAt(2 * j + 1);
        if (hi >= 128 || lo >= 128 || ((HEX[hi] << 4) | HEX[lo]) !== bytes[base + j]) break;
        j++;
      }
      if (j === bytesPerSha) return e;
    }
  }

  *entries(): MapIterator<[string, number]> {
    const { bytes, bytesPerSha } = this;
    for (let i = 0; i < this.size; i++) yield [Buffer.from(bytes.buffer, bytes.byteOffset + i * bytesPerSha, bytesPerSha).toString('hex'), i];
  }
}

/** Any `sha parent…` lines (names of any width); a Map of the names. */
function parseGeneral(output: string): CommitGraph {
  // Pass 1: number the commits in output order; remember where each one's parent list starts.
  // (A child is listed before its parents, so parents can only be resolved in a second pass.)
  const index = new Map<string, number>();
  const from: number[] = [];
  const to: number[] = [];
  const len = output.length;
  for (let pos = 0; pos < len; ) {
    let end = output.indexOf('\n', pos);
    if (end < 0) end = len;
    let sp = output.indexOf(' ', pos);
    if (sp < 0 || sp > end) sp = end;
    if (sp > pos) {
      const sha = output.slice(pos, sp);
      if (!index.has(sha)) {
        index.set(sha, from.length);
        from.push(sp + 1);
        to.push(end);
      }
    }
    pos = end + 1;
  }
  // Pass 2: parents as indices.
  const n = from.length;
  const parentStart = new Int32Array(n + 1);
  const parents: number[] = [];
  for (let c = 0; c < n; c++) {
    parentStart[c] = parents.length;
    const end = to[c];
    for (let pos = from[c]; pos < end; ) {
      let sp = output.indexOf(' ', pos);
      if (sp < 0 || sp > end) sp = end;
      const p = sp > pos ? index.get(output.slice(pos, sp)) : undefined;
      if (p !== undefined) {
        let dup = false;
        for (let j = parentStart[c]; j < parents.length; j++) if (parents[j] === p) dup = true;
        if (!dup) parents.push(p);
      }
      pos = sp + 1;
    }
  }
  parentStart[n] = parents.length;
  const parentList = Int32Array.from(parents);
  return { index, parentStart, parentList, generation: computeGenerations(parentStart, parentList) };
}

/** Generation numbers by an iterative post-order walk (histories are deeper than the call stack). */
function computeGenerations(parentStart: Int32Array, parentList: Int32Array): Int32Array {
  const n = parentStart.length - 1;
  const gen = new Int32Array(n); // 0 = not computed yet, -1 = on the stack
  const stack = new Int32Array(n + 1);
  const next = new Int32Array(n); // next parent to visit, per commit on the stack
  for (let start = 0; start < n; start++) {
    if (gen[start] !== 0) continue;
    let top = 0;
    stack[top++] = start;
    next[start] = parentStart[start];
    gen[start] = -1;
    while (top > 0) {
      const c = stack[top - 1];
      if (next[c] < parentStart[c + 1]) {
        const p = parentList[next[c]++];
        if (gen[p] === 0) {
          gen[p] = -1;
          next[p] = parentStart[p];
          stack[top++] = p;
        }
        continue;
      }
      let g = 0;
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) if (gen[parentList[j]] > g) g = gen[parentList[j]];
      gen[c] = g + 1;
      top--;
    }
  }
  return gen;
}

const LEFT = 1;
const RIGHT = 2;
/** No entry into a segment from that side. */
const NONE = 0x7fffffff;
const QUEUED = 1;
const DONE = 2;

/**
 * The graph cut into segments: maximal runs of commits where each one's only parent is the next one
 * down (a linear stretch). A segment is read top (newest) to bottom (oldest); a commit is
 * (segment, offset from the top). Where a commit has several single-parent children, the segment goes
 * on up into the child with the longest run above it, so a long main line stays one segment past the
 * points where branches fork off it; the other children end their segments there. Merge commits and
 * roots end segments.
 */
export interface Segments {
  /** segment of each commit */
  readonly segmentOf: Int32Array;
  /** offset of each commit in its segment (0 = top) */
  readonly offsetOf: Int32Array;
  /** commits in each segment */
  readonly length: Int32Array;
  /** the bottom commit of each segment (the only one whose parents are outside it) */
  readonly bottom: Int32Array;
  /** generation number of each segment's bottom commit (the heap key) */
  readonly bottomGeneration: Int32Array;
  /** every commit, children before parents (decreasing generation); empty in a counter restored from an image (only preparation reads it) */
  readonly order: Int32Array;
}

export function buildSegments(graph: CommitGraph): Segments {
  const { parentStart, parentList, generation } = graph;
  const n = generation.length;
  // Children before parents: commits by decreasing generation (counting sort).
  let maxGen = 0;
  for (let c = 0; c < n; c++) if (generation[c] > maxGen) maxGen = generation[c];
  const bucket = new Int32Array(maxGen + 2);
  for (let c = 0; c < n; c++) bucket[maxGen - generation[c] + 1]++;
  for (let g = 1; g < bucket.length; g++) bucket[g] += bucket[g - 1];
  const order = new Int32Array(n);
  for (let c = 0; c < n; c++) order[bucket[maxGen - generation[c]]++] = c;
  // up[c]: length of the run that ends at c going up; chainChild[p]: the single-parent child that continues p's segment.
  const up = new Int32Array(n);
  const chainChild = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = order[i];
    const above = chainChild[c];
    up[c] = 1 + (above >= 0 ? up[above] : 0);
    if (parentStart[c + 1] - parentStart[c] === 1) {
      const p = parentList[parentStart[c]];
      const best = chainChild[p];
      if (best < 0 || up[c] > up[best]) chainChild[p] = c;
    }
  }
  const segmentOf = new Int32Array(n);
  const offsetOf = new Int32Array(n);
  const lengths: number[] = [];
  const bottoms: number[] = [];
  for (let top = 0; top < n; top++) {
    if (chainChild[top] >= 0) continue; // not a top: the segment comes down into it from above
    const s = lengths.length;
    let c = top;
    let k = 0;
    for (;;) {
      segmentOf[c] = s;
      offsetOf[c] = k++;
      if (parentStart[c + 1] - parentStart[c] !== 1) break;
      const p = parentList[parentStart[c]];
      if (chainChild[p] !== c) break;
      c = p;
    }
    lengths.push(k);
    bottoms.push(c);
  }
  const bottom = Int32Array.from(bottoms);
  const bottomGeneration = new Int32Array(bottom.length);
  for (let s = 0; s < bottom.length; s++) bottomGeneration[s] = generation[bottom[s]];
  return { segmentOf, offsetOf, length: Int32Array.from(lengths), bottom, bottomGeneration, order };
}

/**
 * Counts for one graph; reuses its scratch buffers across pairs.
 *
 * The walk paints segments rather than commits: each side enters a segment at some offset (a tip, or
 * the parent of a segment bottom it reached) and then holds everything from there down to the bottom.
 * Segments are taken from a max-heap on their bottom's generation, so a segment is counted only after
 * every segment that could enter it: in a segment entered by both sides at offsets l and r, the
 * commits l..r-1 are the left side's own (and vice versa), the rest are shared. The walk stops when
 * every queued segment is entered by both sides at the same offset (all below is shared).
 *
 * Long one-sided stretches through merges are jumped over with the dominator tree: d dominates c when
 * every path from c down to a root passes through d; then every commit reachable from c but not from
 * d has a generation above d's, and there are size(c) − size(d) of them (size = commits reachable).
 * When one side alone holds a segment and nothing else queued reaches above generation g, that side
 * owns everything between the segment's bottom c and its lowest dominator d at or above g: counted
 * with one subtraction, the walk goes on at d. So the work depends on the shape of the graph near the
 * tips and their merge bases, not on the commits between them; on a linear stretch it is a subtraction.
 * Sizes are computed once per graph, parents first, a merge's from its parents' with one such walk.
 */
export class AheadBehindCounter {
  readonly segments: Segments;
  /** Segments taken from the heap by the last count (what the work is proportional to). */
  lastWork = 0;
  private readonly entryLeft: Int32Array;
  private readonly entryRight: Int32Array;
  private readonly state: Uint8Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly heap: SegmentHeap;
  private pending = 0;
  /** commits reachable from each commit (itself included) */
  private readonly size: Float64Array;
  /**
   * Dominator tree: each commit's dominator (-1 for a root), its depth (roots 1; only preparation reads
   * it) and a jump pointer to a dominator further up (-1 for a root): `jump` is the skew-binary scheme
   * (Myers), so a climb to the highest dominator meeting a condition that holds all the way from the
   * commit up to it, or an LCA, takes O(log n) steps. Three arrays of n, where a table of every 2^k-th
   * dominator took log2(n) of them (5 MB on 75,000 commits).
   */
  private readonly dominator: Int32Array;
  private readonly depth: Int32Array;
  private readonly jump: Int32Array;
  /** false when computing sizes cost more than they would save (merge-heavy graphs without cut points) */
  jumps = false;
  /** segments taken while computing sizes */
  readonly preparationWork: number;
  /** Without jumps: segments a pair's walk may take before the count goes to the bitmaps. */
  private readonly walkLimit: number;
  /** Without jumps: the bitmaps are made once walks longer than walkLimit have taken this many segments in all (default: twice the segments). */
  private readonly bitmapsAfter: number;
  private longWalks = 0;
  private readonly bitmapOptions: ReachBitmapOptions;
  private bitmaps: ReachBitmaps | undefined;

  /**
   * `sizeBudget`: segments the size walks may take before jumps are given up (default 4 per segment + 1,000).
   * `walkLimit`, `bitmapsAfter`, `bitmaps`: when pairs go to the bitmaps, and how they are made (tests make them small).
   */
  constructor(
    private readonly graph: CommitGraph,
    options: { sizeBudget?: number; restore?: CounterState; walkLimit?: number; bitmapsAfter?: number; bitmaps?: ReachBitmapOptions } = {},
  ) {
    this.walkLimit = options.walkLimit ?? 128;
    this.bitmapOptions = options.bitmaps ?? {};
    const saved = options.restore;
    this.segments = saved?.segments ?? buildSegments(graph);
    const m = this.segments.length.length;
    this.bitmapsAfter = options.bitmapsAfter ?? 2 * m;
    this.entryLeft = new Int32Array(m).fill(NONE);
    this.entryRight = new Int32Array(m).fill(NONE);
    this.state = new Uint8Array(m);
    this.touched = new Int32Array(m);
    this.heap = new SegmentHeap(this.segments.bottomGeneration);
    const n = graph.generation.length;
    if (saved) {
      this.size = saved.size;
      this.depth = saved.depth;
      this.dominator = saved.dominator;
      this.jump = saved.jump;
      this.jumps = saved.jumps;
      this.preparationWork = saved.preparationWork;
      return;
    }
    this.size = new Float64Array(n);
    this.depth = new Int32Array(n);
    this.dominator = new Int32Array(n).fill(-1);
    this.jump = new Int32Array(n).fill(-1);
    this.preparationWork = this.prepare(options.sizeBudget ?? 4 * m + 1000);
    this.lastWork = 0;
  }

  /** What the constructor computed from the graph (for packCounter). */
  saved(): CounterState {
    return { segments: this.segments, size: this.size, depth: this.depth, dominator: this.dominator, jump: this.jump, jumps: this.jumps, preparationWork: this.preparationWork };
  }

  /**
   * Dominators and sizes, parents before children. Gives up (no jumps) when the walks for the sizes of
   * merges take more than `budget` segments: in histories where long-lived topics overlap everywhere
   * there are few cut points, the jumps would not pay, and the plain segment walk is used.
   * Returns the segments walked.
   */
  private prepare(budget: number): number {
    const { parentStart, parentList } = this.graph;
    const { order } = this.segments;
    const n = order.length;
    const { size, depth, dominator, jump } = this;
    const rights: number[] = [];
    let work = 0;
    this.jumps = true;
    for (let i = n - 1; i >= 0; i--) {
      const c = order[i];
      const from = parentStart[c];
      const to = parentStart[c + 1];
      let dom = -1;
      if (to - from === 0) {
        size[c] = 1;
      } else if (to - from === 1) {
        dom = parentList[from];
        size[c] = size[dom] + 1;
      } else {
        dom = parentList[from];
        rights.length = 0;
        for (let j = from + 1; j < to; j++) {
          dom = this.lca(dom, parentList[j]);
          rights.push(parentList[j]);
        }
        size[c] = 1 + size[parentList[from]] + this.walk([parentList[from]], rights).behind;
        work += this.lastWork;
        if (work > budget) {
          this.jumps = false;
          return work;
        }
      }
      depth[c] = dom < 0 ? 1 : depth[dom] + 1;
      dominator[c] = dom;
      jump[c] = jumpOf(dom, depth, jump);
    }
    return work;
  }

  /**
   * Nearest common dominator of a and b; -1 when they share none (different roots). Up to the same
   * depth, then both up together: by their jumps while those differ (the jump's target depth depends
   * only on the depth, so the common dominator is above both targets), else one step.
   */
  private lca(a: number, b: number): number {
    if (a < 0 || b < 0) return -1;
    const { depth, dominator, jump } = this;
    if (depth[a] < depth[b]) [a, b] = [b, a];
    while (depth[a] > depth[b]) {
      const j = jump[a];
      a = j >= 0 && depth[j] >= depth[b] ? j : dominator[a];
    }
    while (a !== b) {
      const ja = jump[a];
      const jb = jump[b];
      if (ja !== jb) {
        a = ja;
        b = jb;
      } else {
        a = dominator[a];
        b = dominator[b];
      }
    }
    return a;
  }

  /**
   * Commits reachable from `left` but not `right` (ahead) and the reverse (behind) —
   * exactly `git rev-list --left-right --count left...right`. Null when a tip is not in the graph.
   */
  count(left: string, right: string): { ahead: number; behind: number } | null {
    const a = this.graph.index.get(left);
    const b = this.graph.index.get(right);
    if (a === undefined || b === undefined) return null;
    return this.countIndices(a, b);
  }

  /**
   * `count` by commit index. Without jumps, once long walks have cost enough to pay for making the
   * reachability bitmaps, a walk that goes on past `walkLimit` segments is given up for them: see ReachBitmaps.
   */
  countIndices(a: number, b: number): { ahead: number; behind: number } {
    if (a === b) {
      this.lastWork = 0;
      return { ahead: 0, behind: 0 };
    }
    if (this.jumps || this.bitmaps?.complete === false) return this.walk([a], [b]);
    if (!this.bitmaps) {
      // Until long walks have taken `bitmapsAfter` segments in all, they are walked whole: making the
      // bitmaps costs about as much as walking the graph's segments a few times over.
      if (this.longWalks < this.bitmapsAfter) {
        const whole = this.walk([a], [b]);
        if (this.lastWork > this.walkLimit) this.longWalks += this.lastWork;
        return whole;
      }
      this.bitmaps = new ReachBitmaps(this.graph, this.segments, this.bitmapOptions);
      if (!this.bitmaps.complete) return this.walk([a], [b]);
    }
    const walked = this.walk([a], [b], this.walkLimit);
    if (walked) return walked;
    const work = this.lastWork;
    const counted = this.bitmaps.count(a, b);
    this.lastWork = work + this.bitmaps.lastWork;
    return counted;
  }

  /** Commits reachable from some of `lefts` and none of `rights` (ahead), and the reverse (behind); null when `limit` segments were taken first. */
  private walk(lefts: readonly number[], rights: readonly number[]): { ahead: number; behind: number };
  private walk(lefts: readonly number[], rights: readonly number[], limit: number): { ahead: number; behind: number } | null;
  private walk(lefts: readonly number[], rights: readonly number[], limit = Infinity): { ahead: number; behind: number } | null {
    this.lastWork = 0;
    const { segmentOf, offsetOf, length, bottom, bottomGeneration } = this.segments;
    const { parentStart, parentList, generation } = this.graph;
    const { entryLeft, entryRight, size, dominator, jump } = this;
    const heap = this.heap.items;
    let ahead = 0;
    let behind = 0;
    this.pending = 0;
    for (const a of lefts) this.enter(segmentOf[a], offsetOf[a], LEFT);
    for (const b of rights) this.enter(segmentOf[b], offsetOf[b], RIGHT);
    let given = false;
    while (this.heap.size > 0 && this.pending > 0) {
      if (this.lastWork >= limit) {
        given = true;
        break;
      }
      const s = this.heap.pop();
      this.lastWork++;
      const l = entryLeft[s];
      const r = entryRight[s];
      if (l !== r) this.pending--;
      this.state[s] = DONE;
      const len = length[s];
      if (l !== NONE) ahead += r === NONE ? len - l : Math.max(0, r - l);
      if (r !== NONE) behind += l === NONE ? len - r : Math.max(0, l - r);
      const c = bottom[s];
      if (this.jumps && (l === NONE || r === NONE) && this.heap.size <= 64) {
        // One side alone: how high can anything else queued still reach?
        let reach = 0;
        for (let i = 0; i < this.heap.size; i++) {
          const q = heap[i];
          const top = bottomGeneration[q] + length[q] - 1 - Math.min(entryLeft[q], entryRight[q]);
          if (top > reach) reach = top;
        }
        // The lowest dominator of c at or above that (generations fall all the way up).
        let d = c;
        for (;;) {
          const j = jump[d];
          if (j >= 0 && generation[j] >= reach) d = j;
          else if (dominator[d] >= 0 && generation[dominator[d]] >= reach) d = dominator[d];
          else break;
        }
        if (d !== c && dominator[c] !== d) {
          const owned = size[c] - 1 - size[d];
          if (l !== NONE) ahead += owned;
          else behind += owned;
          this.enter(segmentOf[d], offsetOf[d], l !== NONE ? LEFT : RIGHT);
          continue;
        }
      }
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) {
        const p = parentList[j];
        if (l !== NONE) this.enter(segmentOf[p], offsetOf[p], LEFT);
        if (r !== NONE) this.enter(segmentOf[p], offsetOf[p], RIGHT);
      }
    }
    // Reset the scratch state of every segment touched.
    for (let i = 0; i < this.touchedCount; i++) {
      const s = this.touched[i];
      entryLeft[s] = NONE;
      entryRight[s] = NONE;
      this.state[s] = 0;
    }
    this.touchedCount = 0;
    this.heap.size = 0;
    return given ? null : { ahead, behind };
  }

  /** One side reaches offset `k` of segment `s`. A segment is pending while its two entries differ. */
  private enter(s: number, k: number, side: number): void {
    const entries = side === LEFT ? this.entryLeft : this.entryRight;
    const st = this.state[s];
    if (st === DONE) return; // cannot happen: every entry into s comes from a segment above it, taken earlier
    if (st === 0) {
      this.state[s] = QUEUED;
      this.touched[this.touchedCount++] = s;
      entries[s] = k;
      this.pending++;
      this.heap.push(s);
      return;
    }
    if (k >= entries[s]) return;
    const before = this.entryLeft[s] !== this.entryRight[s];
    entries[s] = k;
    const after = this.entryLeft[s] !== this.entryRight[s];
    if (before !== after) this.pending += after ? 1 : -1;
  }
}

export interface ReachBitmapOptions {
  /** at most this many segments taken by a walk down from any segment before it meets checkpoints (default 32) */
  spacing?: number;
  /** memory for the checkpoints' bitmaps (default 64 MiB): when they could need more, they are not made (`complete` false) */
  maxBytes?: number;
}

/**
 * Reachability as bitmaps, for histories where a pair's segment walk stays long: in merge-heavy
 * histories it crosses every merge between the tips and their merge bases, and without cut points
 * there are no dominator jumps.
 *
 * Commits are numbered so that each segment is a run of bits: a side that enters segment s at offset
 * k holds bits start[s] + k … start[s] + length[s] − 1. Checkpoint segments keep the bitmap of
 * everything below them (all their bottom's parents reach), chosen parents first so that no walk
 * down from a segment takes more than `spacing` segments before meeting them. A tip's bitmap is painted by a walk down from it in
 * decreasing generation (as the pair walk) that stops at checkpoints, OR-ing their bitmaps in, and at
 * commits already set: every segment entering s is taken before s, so a bit of s set when s is taken
 * comes from a checkpoint's bitmap, which holds everything below that bit too. Then ahead = |L \ R|
 * and behind = |R \ L|, counted over the words the two walks touched.
 * On the merge-heavy bench (74,000 commits, 3,925 pairs) the plain walks take 5.2 million segments,
 * ~310 ms; with the bitmaps 0.4 million, ~55 ms, plus ~110 ms to make them (2,949 checkpoints, 12 MB).
 */
class ReachBitmaps {
  lastWork = 0;
  /** false when the checkpoints' bitmaps could pass `maxBytes` (then none is made): count() must not be used */
  readonly complete: boolean = true;
  private readonly start: Int32Array;
  private readonly words: number;
  /** checkpoint slot of each segment, -1 */
  private readonly slot: Int32Array;
  /** The bitmap below each checkpoint (slot), kept from its first word with a bit set (belowFrom) to its last. */
  private readonly below: Int32Array[] = [];
  private readonly belowFrom: number[] = [];
  // walk scratch
  private readonly entry: Int32Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly heap: SegmentHeap;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** words painted by the last paint: [from, to) */
  private from = 0;
  private to = 0;

  constructor(
    private readonly graph: CommitGraph,
    private readonly segments: Segments,
    options: ReachBitmapOptions = {},
  ) {
    const { length, bottom, bottomGeneration, segmentOf } = segments;
    const { parentStart, parentList } = graph;
    const m = length.length;
    const n = graph.generation.length;
    // Segments parents first: by increasing bottom generation (a parent's segment has a lower one).
    const byGeneration = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => bottomGeneration[a] - bottomGeneration[b]);
    // Segments no other segment enters (a branch's own commits on top of the history) are never
    // checkpoints: only their tip's walk passes through them.
    const entered = new Uint8Array(m);
    for (let c = 0; c < n; c++) {
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) if (segmentOf[parentList[j]] !== segmentOf[c]) entered[segmentOf[parentList[j]]] = 1;
    }
    this.words = (n + 31) >>> 5;
    this.entry = new Int32Array(m).fill(NONE);
    this.touched = new Int32Array(m);
    this.heap = new SegmentHeap(segments.bottomGeneration);
    this.left = new Int32Array(this.words);
    this.right = new Int32Array(this.words);
    this.slot = new Int32Array(m).fill(-1);
    // Parents first, a segment becomes a checkpoint when a walk down from its top would take more
    // than `spacing` segments before meeting checkpoints (so no tip's walk takes more).
    const spacing = Math.max(1, options.spacing ?? 32);
    const checkpoints: number[] = [];
    for (const s of byGeneration) {
      if (entered[s] && this.walkCost(s, spacing) > spacing) {
        this.slot[s] = checkpoints.length;
        checkpoints.push(s);
      }
    }
    // Bits: first the segments below some checkpoint, in byGeneration order, then the others (the
    // branches' own commits): a checkpoint's bitmap then spans only the words of the first part, up to
    // about its own generation (on the merge-heavy bench ~1,000 of 2,312 words).
    const below = new Uint8Array(m);
    const stack: number[] = [];
    const mark = (s: number) => {
      if (below[s]) return;
      below[s] = 1;
      stack.push(s);
    };
    for (const s of checkpoints) {
      const c = bottom[s];
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) mark(segmentOf[parentList[j]]);
    }
    while (stack.length > 0) {
      const c = bottom[stack.pop() as number];
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) mark(segmentOf[parentList[j]]);
    }
    this.start = new Int32Array(m);
    let bit = 0;
    for (const first of [1, 0]) {
      for (const s of byGeneration) {
        if (below[s] !== first) continue;
        this.start[s] = bit;
        bit += length[s];
      }
    }
    // Each checkpoint's bitmap, parents first (the checkpoints below it are ready).
    // (Painted in the scratch bitmap and copied: fresh memory costs a page fault per page, so the
    // bitmaps are only as long as they need to be and written once.)
    const maxWords = (options.maxBytes ?? 64 * 1024 * 1024) / 4;
    // What lies below a checkpoint has a lower bottom generation, so it sits in the first part's
    // bits before the segments of the checkpoint's generation: that bounds each bitmap's words. When
    // the bound of them all is past maxWords, none is made (plain walks, as before the bitmaps).
    let bound = 0;
    let lowerBits = 0;
    for (let i = 0, j = 0; i < m; i++) {
      const s = byGeneration[i];
      for (; j < m && bottomGeneration[byGeneration[j]] < bottomGeneration[s]; j++) if (below[byGeneration[j]]) lowerBits += length[byGeneration[j]];
      if (this.slot[s] >= 0) bound += (lowerBits >>> 5) + 1;
    }
    if (bound > maxWords) {
      this.complete = false;
      return;
    }
    for (const s of checkpoints) {
      const c = bottom[s];
      this.paint(this.left, Array.from(parentList.subarray(parentStart[c], parentStart[c + 1])));
      this.below.push(this.left.slice(this.from, this.to));
      this.belowFrom.push(this.from);
      this.left.fill(0, this.from, this.to);
    }
    this.lastWork = 0;
  }

  /** Segments a walk down from the top of `s` takes before every path has met a checkpoint; stops counting past `limit`. */
  private walkCost(s: number, limit: number): number {
    const { segmentOf, offsetOf, bottom } = this.segments;
    const { parentStart, parentList } = this.graph;
    let taken = 0;
    this.enter(s, 0);
    while (this.heap.size > 0 && taken <= limit) {
      const t = this.heap.pop();
      taken++;
      if (t !== s && this.slot[t] >= 0) continue;
      const c = bottom[t];
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) this.enter(segmentOf[parentList[j]], offsetOf[parentList[j]]);
    }
    this.endWalk();
    return taken;
  }

  count(a: number, b: number): { ahead: number; behind: number } {
    const { left, right } = this;
    this.paint(left, [a]);
    const work = this.lastWork;
    let from = this.from;
    let to = this.to;
    this.paint(right, [b]);
    this.lastWork += work;
    from = Math.min(from, this.from);
    to = Math.max(to, this.to);
    let ahead = 0;
    let behind = 0;
    for (let w = from; w < to; w++) {
      const l = left[w];
      const r = right[w];
      if (l !== r) {
        ahead += popcount(l & ~r);
        behind += popcount(r & ~l);
      }
    }
    left.fill(0, from, to);
    right.fill(0, from, to);
    return { ahead, behind };
  }

  /** Sets in `bits` (all zero on entry) every commit reachable from `tips`; the words set are [from, to). */
  private paint(bits: Int32Array, tips: readonly number[]): void {
    const { segmentOf, offsetOf, length, bottom } = this.segments;
    const { parentStart, parentList } = this.graph;
    const { entry, start, slot } = this;
    let from = this.words;
    let to = 0;
    this.lastWork = 0;
    for (const t of tips) this.enter(segmentOf[t], offsetOf[t]);
    while (this.heap.size > 0) {
      const s = this.heap.pop();
      this.lastWork++;
      const lo = start[s] + entry[s];
      if ((bits[lo >>> 5] >>> (lo & 31)) & 1) continue; // from a checkpoint: all below is set
      const hi = start[s] + length[s];
      setRange(bits, lo, hi);
      if (lo >>> 5 < from) from = lo >>> 5;
      if (((hi - 1) >>> 5) + 1 > to) to = ((hi - 1) >>> 5) + 1;
      const k = slot[s];
      if (k >= 0) {
        const held = this.below[k];
        const f = this.belowFrom[k];
        for (let w = 0; w < held.length; w++) bits[f + w] |= held[w];
        if (held.length > 0) {
          if (f < from) from = f;
          if (f + held.length > to) to = f + held.length;
        }
        continue;
      }
      const c = bottom[s];
      for (let j = parentStart[c]; j < parentStart[c + 1]; j++) this.enter(segmentOf[parentList[j]], offsetOf[parentList[j]]);
    }
    this.endWalk();
    this.from = Math.min(from, to);
    this.to = to;
  }

  /** Clears the entries of the segments the walk touched, and the heap. */
  private endWalk(): void {
    for (let i = 0; i < this.touchedCount; i++) this.entry[this.touched[i]] = NONE;
    this.touchedCount = 0;
    this.heap.size = 0;
  }

  private enter(s: number, k: number): void {
    const entry = this.entry;
    if (entry[s] === NONE) {
      entry[s] = k;
      this.touched[this.touchedCount++] = s;
      this.heap.push(s);
    } else if (k < entry[s]) {
      entry[s] = k;
    }
  }
}

/** Binary max-heap of segments on their bottom's generation (the walks take segments children first). */
class SegmentHeap {
  readonly items: Int32Array;
  size = 0;

  constructor(private readonly key: Int32Array) {
    this.items = new Int32Array(key.length);
  }

  push(s: number): void {
    const { items, key } = this;
    const g = key[s];
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (key[items[parent]] >= g) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = s;
  }

  pop(): number {
    const { items, key } = this;
    const top = items[0];
    const n = --this.size;
    if (n > 0) {
      const last = items[n];
      const g = key[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && key[items[r]] > key[items[l]] ? r : l;
        if (key[items[child]] <= g) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/** Sets bits lo … hi − 1. */
function setRange(bits: Int32Array, lo: number, hi: number): void {
  let w = lo >>> 5;
  const last = (hi - 1) >>> 5;
  const head = 0xffffffff << (lo & 31);
  const tail = 0xffffffff >>> (31 - ((hi - 1) & 31));
  if (w === last) {
    bits[w] |= head & tail;
    return;
  }
  bits[w++] |= head;
  while (w < last) bits[w++] = 0xffffffff;
  bits[last] |= tail;
}

/** Bits set in a 32-bit word (the words are Int32: V8 keeps them small integers, where Uint32 words past 2^31 are doubles). */
function popcount(x: number): number {
  x = (x - ((x >>> 1) & 0x55555555)) | 0;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Convenience: ahead/behind of many pairs over one graph. Pairs whose tips are unknown are left out;
 * pairs with the same two tips (branches that track the same upstream from the same commit) are counted once.
 */
export function countAheadBehind(
  graph: CommitGraph,
  pairs: ReadonlyArray<{ key: string; left: string; right: string }>,
  counter: AheadBehindCounter = new AheadBehindCounter(graph),
): Map<string, { ahead: number; behind: number }> {
  const out = new Map<string, { ahead: number; behind: number }>();
  const seen = new Map<number, { ahead: number; behind: number }>();
  const n = graph.generation.length;
  for (const p of pairs) {
    const a = graph.index.get(p.left);
    const b = graph.index.get(p.right);
    if (a === undefined || b === undefined) continue;
    const k = a * n + b;
    let r = seen.get(k);
    if (!r) {
      r = counter.countIndices(a, b);
      seen.set(k, r);
    }
    out.set(p.key, { ...r });
  }
  return out;
}

/** What an AheadBehindCounter computes from its graph before the first count. */
export interface CounterState {
  readonly segments: Segments;
  /** as AheadBehindCounter keeps them; empty where counting does not read them (restored from an image: depth; without jumps: size, dominator and jump too) */
  readonly size: Float64Array;
  readonly depth: Int32Array;
  readonly dominator: Int32Array;
  readonly jump: Int32Array;
  readonly jumps: boolean;
  readonly preparationWork: number;
}

/**
 * The jump pointer of a commit whose dominator is `dom` (Myers' skew-binary scheme): the dominator's
 * jump's jump when the dominator and its jump are as far apart as that jump and its own, else the
 * dominator itself; -1 for a root. `dom`'s depth and jump must be set.
 */
function jumpOf(dom: number, depth: Int32Array, jump: Int32Array): number {
  if (dom < 0) return -1;
  const j = jump[dom];
  const jj = j >= 0 ? jump[j] : -1;
  return jj >= 0 && depth[dom] - depth[j] === depth[j] - depth[jj] ? jj : dom;
}

const PACK_MAGIC = 0x5344_4c47; // "SDLG"
const PACK_VERSION = 3;
const PACK_HEADER = 16; // Float64 words
/** The header, then the body's SHA-256 */
const HEAD_BYTES = 8 * PACK_HEADER + 32;

/**
 * A prepared graph and its counter as one binary image, so that a later process gets both without
 * parsing the rev-list text or computing segments and dominators again (a few typed-array views over
 * the bytes read). `stamp` is two numbers the caller ties the image to (the size and modification time
 * of the text it was made from); `unpackCounter` returns them for comparison. Null when the graph's
 * index is not over fixed-width hex shas (the general parser's Map).
 * Layout: a Float64 header, the sizes (Float64), then every Int32 array, then the shas as bytes; a
 * SHA-256 of all the rest, after the header, guards against a damaged file.
 * Only what counting reads is kept (the image is read and hashed by every snapshot: its size is
 * time): no commit order or dominator depths (only preparation reads them); each commit's dominator
 * and jump pointer; and with jumps off (merge-heavy histories) neither sizes nor dominators.
 */
export function packCounter(graph: CommitGraph, counter: AheadBehindCounter, stamp: readonly [number, number]): Uint8Array | null {
  if (!(graph.index instanceof HexShaIndex)) return null;
  const { shas, width, table, count } = graph.index.packed();
  const st = counter.saved();
  const seg = st.segments;
  const n = graph.generation.length;
  const sizes = st.jumps ? n : 0;
  const none = new Int32Array(0);
  const ints = [graph.parentStart, graph.parentList, graph.generation, seg.segmentOf, seg.offsetOf, seg.length, seg.bottom, seg.bottomGeneration, st.jumps ? st.dominator : none, st.jumps ? st.jump : none, table];
  const intWords = ints.reduce((a, x) => a + x.length, 0);
  const intBytes = HEAD_BYTES + 8 * sizes;
  const shaBytes = Buffer.from(shas, 'hex');
  if (shaBytes.length * 2 !== shas.length) return null;
  const total = intBytes + 4 * intWords + shaBytes.length;
  const buf = new Uint8Array(new ArrayBuffer(total));
  const i32 = new Int32Array(buf.buffer, intBytes, intWords);
  let at = 0;
  for (const x of ints) {
    i32.set(x, at);
    at += x.length;
  }
  if (st.jumps) new Float64Array(buf.buffer, HEAD_BYTES, n).set(st.size);
  buf.set(shaBytes, intBytes + 4 * intWords);
  const header = [PACK_MAGIC, PACK_VERSION, stamp[0], stamp[1], n, graph.parentList.length, seg.length.length, 0, width, table.length, st.jumps ? 1 : 0, st.preparationWork, count, 0, total];
  new Float64Array(buf.buffer, 0, PACK_HEADER).set(header);
  buf.set(digest(buf), 8 * PACK_HEADER);
  return buf;
}

/** The graph and counter of `packCounter`'s image, with its stamp; null when the bytes are not a whole, intact image. */
export function unpackCounter(bytes: Uint8Array): { graph: CommitGraph; counter: AheadBehindCounter; stamp: [number, number] } | null {
  if (bytes.length < HEAD_BYTES) return null;
  // Typed-array views need aligned offsets: copy when the bytes do not start on an 8-byte boundary.
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const h = new Float64Array(b.buffer, b.byteOffset, PACK_HEADER);
  const [magic, version, stamp0, stamp1, n, edges, m, , width, tableSize, jumpsFlag, preparationWork, count, , total] = h;
  if (magic !== PACK_MAGIC || version !== PACK_VERSION || total !== b.length || count !== n || (width !== 40 && width !== 64)) return null;
  const jumps = jumpsFlag === 1;
  const sizes = jumps ? n : 0;
  const intBytes = HEAD_BYTES + 8 * sizes;
  const lengths = [n + 1, edges, n, n, n, m, m, m, jumps ? n : 0, jumps ? n : 0, tableSize];
  const intWords = lengths.reduce((a, x) => a + x, 0);
  if (intBytes + 4 * intWords + (n * width) / 2 !== b.length || tableSize < 2 * n || (tableSize & (tableSize - 1)) !== 0) return null;
  if (!digest(b).equals(b.subarray(8 * PACK_HEADER, HEAD_BYTES))) return null;
  const i32 = new Int32Array(b.buffer, b.byteOffset + intBytes, intWords);
  const arrays: Int32Array[] = [];
  let at = 0;
  for (const len of lengths) {
    arrays.push(i32.subarray(at, at + len));
    at += len;
  }
  const [parentStart, parentList, generation, segmentOf, offsetOf, length, bottom, bottomGeneration, dominator, jump, table] = arrays;
  const index = new PackedShaIndex(new Uint8Array(b.buffer, b.byteOffset + intBytes + 4 * intWords, (n * width) / 2), width, table, n);
  const graph: CommitGraph = { index, parentStart, parentList, generation };
  const size = new Float64Array(b.buffer, b.byteOffset + HEAD_BYTES, sizes);
  const none = new Int32Array(0);
  const counter = new AheadBehindCounter(graph, {
    restore: { segments: { segmentOf, offsetOf, length, bottom, bottomGeneration, order: none }, size, depth: none, dominator, jump, jumps, preparationWork },
  });
  return { graph, counter, stamp: [stamp0, stamp1] };
}

/** SHA-256 of an image without its digest (the header, then everything after the digest). */
function digest(image: Uint8Array): Buffer {
  return sha256(image.subarray(0, 8 * PACK_HEADER), image.subarray(HEAD_BYTES));
}

/**
 * The commits of a graph that are no commit's parent in it. A graph read as the ancestry of some tips
 * holds exactly their ancestors, so excluding these from a read of new commits (`^sha`) excludes all
 * of the graph, and nothing else.
 */
export function graphHeads(graph: CommitGraph): string[] {
  const isParent = new Uint8Array(graph.generation.length);
  for (const p of graph.parentList) isParent[p] = 1;
  const heads: string[] = [];
  for (const [sha, i] of graph.index) if (!isParent[i]) heads.push(sha);
  return heads;
}

/* ------------------------------------------------------------------ tags merged into HEAD */

/**
 * `git tag --merged HEAD` from a graph that holds `head`: the lines of
 * `for-each-ref --format=<TAG_LIST_FORMAT>%00%(*objecttype) refs/tags` whose tag peels to one of
 * HEAD's commits, without that last field (as git prints them). Every ancestor of a commit in the
 * graph is in it, so a tag whose commit is not in the graph is not merged. Null when the graph cannot
 * tell: `head` is not in it, or a tag points at a tag (git peels that further than `*objectname`), or
 * the type a tag peels to is not known (`?`, see tagListFromCache) and that object is no commit of the
 * graph.
 */
export function mergedLines(graph: CommitGraph, head: string, output: string): string | null {
  const h = graph.index.get(head);
  if (h === undefined) return null;
  const { parentStart, parentList } = graph;
  const reached = new Uint8Array(graph.generation.length);
  const stack = new Int32Array(graph.generation.length);
  let top = 0;
  reached[h] = 1;
  stack[top++] = h;
  while (top > 0) {
    const c = stack[--top];
    for (let k = parentStart[c]; k < parentStart[c + 1]; k++) {
      const p = parentList[k];
      if (!reached[p]) {
        reached[p] = 1;
        stack[top++] = p;
      }
    }
  }
  let out = '';
  for (const line of output.split('\n')) {
    if (!line) continue;
    const fields = line.split('\0');
    if (fields.length !== 4) return null;
    const [name, object, peeled, peeledType] = fields;
    if (peeledType === 'tag') return null;
    const c = graph.index.get(peeled || object);
    if (c === undefined && peeledType === '?') return null;
    if (c !== undefined && reached[c]) out += `${name}\0${object}\0${peeled}\n`;
  }
  return out;
}
