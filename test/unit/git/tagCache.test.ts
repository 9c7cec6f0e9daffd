/** The tag cache (.git/sdlc/tags-v3): its tags are taken only for the key they were read with. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { cachedTagsFor, tagCacheOf, writeTagCache } from '../../../src/core/git/snapshotCaches';
import type { TagInfo } from '../../../src/core/git/git';

const tag = fc.record({ name: fc.stringMatching(/^v[0-9]\.[0-9]$/), sha: fc.stringMatching(/^[0-9a-f]{40}$/), version: fc.constant(null), annotated: fc.boolean() }).map((t): TagInfo => ({ ...t }));
/** A key as parseBranchRefs makes it: one row per tag, '' for none. */
const keyOf = (tags: readonly TagInfo[]) => tags.map((t) => `refs/tags/${t.name}\0${t.sha}\0\0`).join('\n');

describe('the tag cache', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sdlc-tags-'));
    mkdirSync(path.join(root, '.git', 'sdlc'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('property: the tags written are found for their own key and for no other (no tags included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tag, { maxLength: 4 }), fc.array(tag, { maxLength: 4 }), async (written, other) => {
        await writeTagCache(root, keyOf(written), written, true);
        const cached = tagCacheOf(root)?.read() ?? null;
        assert.deepEqual(cachedTagsFor(cached, keyOf(written)), written);
        if (keyOf(other) !== keyOf(written)) assert.equal(cachedTagsFor(cached, keyOf(other)), null);
      }),
      { numRuns: 60 },
    );
  });

  it('no tags now: cached tags are not taken, an empty cache is; no cache file: nothing', async () => {
    const one: TagInfo = { name: 'v1.0.0', sha: 'a'.repeat(40), version: '1.0.0', annotated: false };
    await writeTagCache(root, keyOf([one]), [one], true);
    assert.equal(cachedTagsFor(tagCacheOf(root)?.read() ?? null, ''), null);
    await writeTagCache(root, '', [], true);
    assert.deepEqual(cachedTagsFor(tagCacheOf(root)?.read() ?? null, ''), []);
    assert.equal(cachedTagsFor(null, ''), null);
  });
});
