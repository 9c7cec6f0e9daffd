/** The counts memo (.git/sdlc/counts-v1): what is written is what is found, in the written order or any other. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { readCountsMemo, writeCountsMemo } from '../../../src/core/git/snapshotCaches';

const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const counted = fc.record({ left: sha, right: sha, ahead: fc.nat({ max: 1e9 }), behind: fc.nat({ max: 1e9 }) });
/** Pairs as a snapshot writes them: a pair's counts are the same wherever it is (two branches may share one). */
const pairs = (maxLength: number) => fc.array(counted, { minLength: 1, maxLength: 12 }).chain((pool) => fc.array(fc.constantFrom(...pool), { maxLength }));

describe('the counts memo', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sdlc-counts-'));
    mkdirSync(path.join(root, '.git', 'sdlc'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const file = () => path.join(root, '.git', 'sdlc', 'counts-v1');

  it('property: every pair written is found with its counts, asked in the written order or shuffled, twice or once; others are not', async () => {
    await fc.assert(
      fc.asyncProperty(pairs(40), fc.array(counted, { maxLength: 5 }), fc.boolean(), fc.nat(), async (written, others, shuffled, seed) => {
        await writeCountsMemo(root, written);
        const memo = readCountsMemo(root);
        assert.ok(memo);
        const known = new Map(written.map((p) => [p.left + p.right, { ahead: p.ahead, behind: p.behind }]));
        const asked = shuffled ? [...written].sort((a, b) => ((a.ahead ^ seed) % 7) - ((b.ahead ^ seed) % 7)) : written;
        for (const p of asked) assert.deepEqual(memo.get(p.left, p.right), known.get(p.left + p.right));
        for (const o of others) if (!known.has(o.left + o.right)) assert.equal(memo.get(o.left, o.right), undefined);
      }),
      { numRuns: 60 },
    );
  });

  it('a file that is not the memo as written is not read; a damaged line is not found, the intact ones are', async () => {
    const pairs = [0, 1, 2].map((i) => ({ left: String(i).repeat(40), right: 'a'.repeat(40), ahead: i, behind: 10 * i }));
    await writeCountsMemo(root, pairs);
    const text = readFileSync(file(), 'latin1');
    assert.equal(text, `sdlc-counts 1 3\n${pairs.map((p) => `${p.left} ${p.right} ${p.ahead} ${p.behind}\n`).join('')}`);
    for (const damaged of ['', text.replace('sdlc-counts 1 3', 'sdlc-counts 1 4'), text.slice(0, -1), text.replace('sdlc-counts 1', 'sdlc-counts 2')]) {
      writeFileSync(file(), damaged, 'latin1');
      assert.equal(readCountsMemo(root), null, JSON.stringify(damaged.slice(0, 20)));
    }
    for (const bad of [' -1 10\n', ' 01 10\n', ' x 10\n', ' 1 10 \n']) {
      writeFileSync(file(), text.replace(' 1 10\n', bad), 'latin1');
      const memo = readCountsMemo(root)!;
      assert.deepEqual(memo.get(pairs[0].left, pairs[0].right), { ahead: 0, behind: 0 });
      assert.equal(memo.get(pairs[1].left, pairs[1].right), undefined, bad);
      assert.equal(memo.get(pairs[2].left, pairs[2].right), undefined, 'the map of a damaged memo is empty');
    }
  });
});
