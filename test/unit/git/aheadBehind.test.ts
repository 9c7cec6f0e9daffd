import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { AheadBehindCounter, buildCommitGraph, countAheadBehind, packCounter, parseCommitGraph, parseRevListParents, unpackCounter } from '../../../src/core/git/aheadBehind';

/** A random DAG: commit i has up to 3 parents among earlier commits (sometimes none: several roots). */
const dag = fc
  .integer({ min: 1, max: 60 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
      fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { minLength: 1, maxLength: 8 }),
      fc.infiniteStream(fc.nat()), // order of the rev-list lines
    ),
  )
  .map(([n, parentPicks, pairs, order]) => {
    const parents = parentPicks.map((picks, i) => (i === 0 ? [] : [...new Set(picks.map((p) => p % i))]));
    const lines = parents.map((ps, i) => [`c${i}`, ps.map((p) => `c${p}`)] as [string, string[]]);
    const it = order[Symbol.iterator]();
    for (let i = lines.length - 1; i > 0; i--) {
      const j = (it.next().value as number) % (i + 1);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return { n, parents, lines, pairs };
  });

/**
 * A history grown the way repositories grow: runs of commits on a branch (up to hundreds: long linear
 * stretches), forks (branches of branches), merges, criss-cross merges (two branches merging each
 * other's old tips) and a second root now and then. Pairs: random commits, and every tip against the previous.
 */
const history = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('run' as const), a: fc.nat(), n: fc.integer({ min: 1, max: 300 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('fork' as const), a: fc.nat() }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('merge' as const), a: fc.nat(), b: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('criss' as const), a: fc.nat(), b: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('root' as const) }) },
    ),
    { minLength: 1, maxLength: 40 },
  )
  .chain((ops) => {
    const parents: number[][] = [[]];
    const tips = [0];
    const add = (ps: number[]) => parents.push([...new Set(ps)]) - 1;
    for (const o of ops) {
      const a = 'a' in o ? o.a % tips.length : 0;
      const b = 'b' in o ? o.b % tips.length : 0;
      if (o.op === 'run') for (let i = 0; i < o.n; i++) tips[a] = add([tips[a]]);
      else if (o.op === 'fork') tips.push(add([tips[a]]));
      else if (o.op === 'merge') tips[a] = add([tips[a], tips[b]]);
      else if (o.op === 'criss') {
        const [ta, tb] = [tips[a], tips[b]];
        tips[a] = add([ta, tb]);
        tips[b] = add([tb, ta]);
      } else tips.push(add([]));
    }
    const n = parents.length;
    return fc.record({
      parents: fc.constant(parents),
      tips: fc.constant(tips),
      pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { minLength: 1, maxLength: 12 }),
    });
  });

function reach(parents: number[][], start: number): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length) {
    for (const p of parents[stack.pop() as number]) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}

/** What `git rev-list --left-right --count a...b` counts, by brute force. */
function expected(parents: number[][], a: number, b: number) {
  const ra = reach(parents, a);
  const rb = reach(parents, b);
  return { ahead: [...ra].filter((x) => !rb.has(x)).length, behind: [...rb].filter((x) => !ra.has(x)).length };
}

describe('ahead/behind in memory', () => {
  it('property: equals the set difference of reachable commits on random DAGs', () => {
    fc.assert(
      fc.property(dag, ({ parents, lines, pairs }) => {
        const graph = buildCommitGraph(lines);
        const counter = new AheadBehindCounter(graph);
        for (const [a, b] of pairs) assert.deepEqual(counter.count(`c${a}`, `c${b}`), expected(parents, a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('property: parseCommitGraph (the one-pass parser the adapter uses) counts exactly, like buildCommitGraph', () => {
    fc.assert(
      fc.property(dag, fc.boolean(), ({ parents, lines, pairs }, extras) => {
        // rev-list text; `extras` adds what real output may hold: a repeated commit, a parent outside the graph
        const rows = lines.map(([sha, ps]) => [sha, ...ps].join(' '));
        if (extras) rows.push(`${lines[0][0]} outside`, `c0 missing-parent`);
        const text = `${rows.join('\n')}\n`;
        const fast = parseCommitGraph(text);
        const slow = buildCommitGraph(parseRevListParents(text));
        assert.deepEqual([...fast.index], [...slow.index]);
        assert.deepEqual(fast.parentStart, slow.parentStart);
        assert.deepEqual(fast.parentList, slow.parentList);
        assert.deepEqual(fast.generation, slow.generation);
        const counter = new AheadBehindCounter(fast);
        for (const [a, b] of pairs) assert.deepEqual(counter.count(`c${a}`, `c${b}`), expected(parents, a, b));
      }),
      { numRuns: 300 },
    );
    assert.equal(parseCommitGraph('').index.size, 0);
    assert.deepEqual([...parseCommitGraph('b a a\na').parentList], [1]); // no final newline, duplicate parent
  });

  it('generation numbers: roots are 1, every commit is above its parents', () => {
    fc.assert(
      fc.property(dag, ({ lines }) => {
        const g = buildCommitGraph(lines);
        for (let i = 0; i < g.generation.length; i++) {
          const ps = g.parentList.subarray(g.parentStart[i], g.parentStart[i + 1]);
          if (ps.length === 0) assert.equal(g.generation[i], 1);
          for (const p of ps) assert.ok(g.generation[i] > g.generation[p]);
        }
      }),
    );
  });

  it('handles a linear history deeper than the call stack', () => {
    const n = 100_000;
    const lines: Array<[string, string[]]> = [];
    for (let i = n - 1; i >= 0; i--) lines.push([`c${i}`, i ? [`c${i - 1}`] : []]);
    lines.push(['side', [`c${n - 1000}`]]);
    const counter = new AheadBehindCounter(buildCommitGraph(lines));
    assert.deepEqual(counter.count('side', `c${n - 1}`), { ahead: 1, behind: 999 });
  });

  it('work depends on the shape between the tips, not on the commits in it: a linear stretch is a subtraction', () => {
    const n = 100_000;
    const lines: Array<[string, string[]]> = [];
    for (let i = 0; i < n; i++) lines.push([`c${i}`, i ? [`c${i - 1}`] : []]);
    lines.push(['a1', [`c${n - 1}`]], ['b1', [`c${n - 1}`]], ['b2', ['b1']], ['old', ['c5']]);
    const counter = new AheadBehindCounter(buildCommitGraph(lines));
    assert.deepEqual(counter.count('a1', 'b2'), { ahead: 1, behind: 2 });
    assert.ok(counter.lastWork <= 4, `a1…b2 took ${counter.lastWork} segments`);
    // 40,000 commits behind on one line, tips in the middle of the same segment
    assert.deepEqual(counter.count(`c${n - 40_001}`, `c${n - 1}`), { ahead: 0, behind: 40_000 });
    assert.ok(counter.lastWork <= 2, `a linear divergence took ${counter.lastWork} segments`);
    // a stale branch forked near the root, 99,994 commits behind and 1 ahead
    assert.deepEqual(counter.count('old', 'b2'), { ahead: 1, behind: n - 6 + 2 });
    assert.ok(counter.lastWork <= 4, `old…b2 took ${counter.lastWork} segments`);
    // the main line stays one segment although branches fork off it (the longest run above wins)
    assert.ok(counter.segments.length.length <= 5, `${counter.segments.length.length} segments`);
  });

  it('property: histories of long runs, forks, merges, branches of branches and criss-cross merges (hex shas, the fast parser)', () => {
    fc.assert(
      fc.property(history, fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.boolean(), ({ parents, tips, pairs }, shuffle, spacing, tight) => {
        const sha = (i: number) => createHash('sha1').update(`commit ${i}`).digest('hex');
        const rows = parents.map((ps, i) => [sha(i), ...ps.map(sha)].join(' '));
        if (!shuffle) rows.reverse(); // rev-list lists children first
        const graph = parseCommitGraph(`${rows.join('\n')}\n`);
        assert.ok(!(graph.index instanceof Map), 'fixed-width hex takes the fast path');
        assert.equal(graph.index.size, parents.length);
        const counter = new AheadBehindCounter(graph);
        const plain = new AheadBehindCounter(graph, { sizeBudget: 0 }); // dominator jumps given up: the plain segment walk
        assert.equal(plain.jumps, parents.every((ps) => ps.length < 2), 'a size walk over budget turns jumps off');
        // Every pair through the reachability bitmaps: checkpoints every `spacing` segments, or (tight)
        // memory for two checkpoints only, which makes the spacing grow until they fit.
        const words = (parents.length + 31) >>> 5;
        const bitmaps = new AheadBehindCounter(graph, { sizeBudget: 0, walkLimit: 0, bitmapsAfter: 0, bitmaps: { spacing, maxBytes: tight ? 8 * words : undefined } });
        const all = [...pairs, ...tips.slice(1).map((t, i) => [t, tips[i]] as [number, number])];
        for (const [a, b] of all) {
          assert.deepEqual(counter.count(sha(a), sha(b)), expected(parents, a, b), `${a}…${b}`);
          assert.deepEqual(plain.count(sha(a), sha(b)), expected(parents, a, b), `${a}…${b} without jumps`);
          assert.deepEqual(bitmaps.count(sha(a), sha(b)), expected(parents, a, b), `${a}…${b} by bitmaps (spacing ${spacing}${tight ? ', tight' : ''})`);
        }
        const bulk = countAheadBehind(graph, all.map(([a, b], i) => ({ key: String(i), left: sha(a), right: sha(b) })));
        all.forEach(([a, b], i) => assert.deepEqual(bulk.get(String(i)), expected(parents, a, b)));
      }),
      { numRuns: 150 },
    );
  });

  it('property: a packed image (the graph cache\'s .prepared file) counts exactly like the graph it was made from; damaged images are refused', () => {
    fc.assert(
      fc.property(history, fc.boolean(), fc.nat(), ({ parents, tips, pairs }, budget, flip) => {
        const sha = (i: number) => createHash('sha1').update(`commit ${i}`).digest('hex');
        const rows = parents.map((ps, i) => [sha(i), ...ps.map(sha)].join(' ')).reverse();
        const graph = parseCommitGraph(`${rows.join('\n')}\n`);
        const counter = new AheadBehindCounter(graph, budget ? {} : { sizeBudget: 0 });
        const image = packCounter(graph, counter, [1234, 5678.5]);
        assert.ok(image);
        // An offset that is not 8-aligned, as a Buffer from a pool may have.
        const shifted = new Uint8Array(image.length + 3);
        shifted.set(image, 3);
        const back = unpackCounter(shifted.subarray(3));
        assert.ok(back);
        assert.deepEqual(back.stamp, [1234, 5678.5]);
        assert.equal(back.counter.jumps, counter.jumps);
        // Each commit's dominator and jump pointer come back as they were.
        if (counter.jumps) {
          assert.deepEqual(back.counter.saved().dominator, counter.saved().dominator);
          assert.deepEqual(back.counter.saved().jump, counter.saved().jump);
        }
        assert.equal(back.graph.index.size, parents.length);
        const all = [...pairs, ...tips.slice(1).map((t, i) => [t, tips[i]] as [number, number])];
        for (const [a, b] of all) assert.deepEqual(back.counter.count(sha(a), sha(b)), expected(parents, a, b), `${a}…${b}`);
        assert.equal(back.graph.index.get(sha(parents.length)), undefined);
        // The restored index (the shas as bytes): the same keys; a sha with the same first 8 digits (the
        // same hash slot) but another later, upper case or a non-hex digit is not found.
        assert.deepEqual([...back.graph.index.keys()].sort(), [...graph.index.keys()].sort());
        const known = sha(parents.length - 1);
        assert.equal(back.graph.index.get(known), graph.index.get(known));
        assert.equal(back.graph.index.get(`${known.slice(0, 30)}${known[30] === '0' ? '1' : '0'}${known.slice(31)}`), undefined);
        assert.equal(back.graph.index.get(known.toUpperCase()), /[a-f]/.test(known) ? undefined : graph.index.get(known));
        assert.equal(back.graph.index.get(`${known.slice(0, -1)}g`), undefined);
        // One byte changed anywhere, or the image cut short: refused.
        const damaged = image.slice();
        const at = flip % damaged.length;
        damaged[at] ^= 0x40;
        assert.equal(unpackCounter(damaged), null, `byte ${at} of ${damaged.length} changed`);
        assert.equal(unpackCounter(image.subarray(0, image.length - 4)), null);
      }),
      { numRuns: 100 },
    );
    // A graph parsed by the general parser (names of other widths) has no image.
    const general = parseCommitGraph('a b\nb\n');
    assert.equal(packCounter(general, new AheadBehindCounter(general), [0, 0]), null);
  });

  it('the fast parser refuses what is not rev-list text and the general one takes it (same graph)', () => {
    const sha = (i: number) => createHash('sha1').update(String(i)).digest('hex');
    for (const text of [`${sha(1)} ${sha(2)}\n${sha(2)}\n`, `${sha(1)} ${sha(2)}\n${sha(2)}`, `${sha(1)} ${sha(2)} \n${sha(2)}\n`, `${sha(1).toUpperCase()} ${sha(2)}\n${sha(2)}\n`, `${sha(1)} ${sha(3)} ${sha(2)} ${sha(3)}\n${sha(3)}\n${sha(2)}\n${sha(1)} ${sha(2)}\n`]) {
      const fast = parseCommitGraph(text);
      const slow = buildCommitGraph(parseRevListParents(text));
      assert.deepEqual([...fast.index], [...slow.index]);
      assert.deepEqual(fast.parentStart, slow.parentStart);
      const used = (g: typeof fast) => [...g.parentList.subarray(0, g.parentStart[g.parentStart.length - 1])];
      assert.deepEqual(used(fast), used(slow));
      assert.equal(fast.index.get('nope'), undefined);
      assert.equal(fast.index.get(sha(9)), undefined);
    }
  });

  it('dominator jumps: a long one-sided stretch through merges is one subtraction', () => {
    // main: 20,000 commits with a topic merged every 5 (each forked off the commit below the merge),
    // a branch forked at 100 with one commit of its own
    const lines: Array<[string, string[]]> = [['m0', []]];
    let tip = 'm0';
    for (let i = 1; i < 20_000; i++) {
      if (i % 5 === 0) {
        lines.push([`t${i}`, [tip]], [`m${i}`, [tip, `t${i}`]]);
      } else lines.push([`m${i}`, [tip]]);
      tip = `m${i}`;
    }
    lines.push(['old', ['m100']]);
    const graph = buildCommitGraph(lines);
    const counter = new AheadBehindCounter(graph);
    assert.equal(counter.jumps, true);
    const behind = 20_000 - 101 + Math.floor((20_000 - 1) / 5) - Math.floor(100 / 5);
    assert.deepEqual(counter.count('old', tip), { ahead: 1, behind });
    assert.ok(counter.lastWork <= 8, `took ${counter.lastWork} segments`);
    const plain = new AheadBehindCounter(graph, { sizeBudget: 0, walkLimit: Infinity });
    assert.deepEqual(plain.count('old', tip), { ahead: 1, behind });
    assert.ok(plain.lastWork > 1000, 'without jumps the walk takes every merge');
    // Without jumps, long walks are walked whole until they have cost twice the graph's segments;
    // then the reachability bitmaps are made, a walk is given up after 128 segments, and a tip's walk
    // down stops at the first checkpoints (at most 32 segments down), whose bitmaps hold all below.
    const bitmapped = new AheadBehindCounter(graph, { sizeBudget: 0 });
    const works: number[] = [];
    for (let i = 0; i < 8; i++) {
      assert.deepEqual(bitmapped.count('old', tip), { ahead: 1, behind });
      works.push(bitmapped.lastWork);
    }
    assert.ok(works[0] > 1000, `the first long walk is walked whole: ${works[0]} segments`);
    assert.ok((works.at(-1) as number) <= 128 + 2 * 40, `then by bitmaps: ${works.join(', ')} segments`);
    // Bitmaps that could need more than their memory are not made: the plain walk counts, the same.
    const capped = new AheadBehindCounter(graph, { sizeBudget: 0, bitmaps: { maxBytes: 4096 } });
    assert.deepEqual(capped.count('old', tip), { ahead: 1, behind });
    assert.ok(capped.lastWork > 1000, `took ${capped.lastWork} segments`);
  });

  it('unknown tips give no entry; equal tips give 0/0; parents outside the graph are ignored (shallow)', () => {
    const g = buildCommitGraph(parseRevListParents('b a\na missing\n'));
    const r = countAheadBehind(g, [
      { key: 'x', left: 'b', right: 'a' },
      { key: 'y', left: 'b', right: 'nope' },
      { key: 'z', left: 'a', right: 'a' },
    ]);
    assert.deepEqual(r.get('x'), { ahead: 1, behind: 0 });
    assert.equal(r.has('y'), false);
    assert.deepEqual(r.get('z'), { ahead: 0, behind: 0 });
  });
});
