import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AheadBehindCounter, buildCommitGraph, countAheadBehind, parseCommitGraph, parseRevListParents } from '../../../src/core/git/aheadBehind';

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
    const t = Date.now();
    const g = buildCommitGraph(lines);
    const counter = new AheadBehindCounter(g);
    assert.deepEqual(counter.count('side', `c${n - 1}`), { ahead: 1, behind: 999 });
    assert.ok(Date.now() - t < 3000);
  });

  it('work is proportional to the divergence, not the history', () => {
    const n = 100_000;
    const lines: Array<[string, string[]]> = [];
    for (let i = 0; i < n; i++) lines.push([`c${i}`, i ? [`c${i - 1}`] : []]);
    lines.push(['a1', [`c${n - 1}`]], ['b1', [`c${n - 1}`]], ['b2', ['b1']]);
    const built = Date.now();
    const g = buildCommitGraph(lines);
    assert.ok(Date.now() - built < 2000, `graph of ${n} commits built in ${Date.now() - built} ms`);
    const counter = new AheadBehindCounter(g);
    const t = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) assert.deepEqual(counter.count('a1', 'b2'), { ahead: 1, behind: 2 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    assert.ok(ms < 200, `1000 counts took ${ms} ms`);
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
