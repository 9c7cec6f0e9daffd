import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { authIdentity, EtagCache, etagCacheKey } from '../../../src/core/github/etagCache';

describe('EtagCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const c = new EtagCache<number>(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    assert.equal(c.get('a'), 1); // a is now the most recent
    c.set('d', 4);
    assert.deepEqual(c.keys(), ['c', 'a', 'd']);
    assert.equal(c.get('b'), undefined);
    c.set('c', 33); // overwrite refreshes
    c.set('e', 5);
    assert.deepEqual(c.keys(), ['d', 'c', 'e']);
    assert.equal(c.peek('d'), 4);
    assert.deepEqual(c.keys(), ['d', 'c', 'e']); // peek is not a use
  });

  it('never holds more than its bound and always holds the latest entry (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.constantFrom('get', 'set', 'delete'), fc.integer({ min: 0, max: 12 })), { maxLength: 60 }), (max, ops) => {
        const c = new EtagCache<number>(max);
        const model: string[] = []; // least recent first
        for (const [op, n] of ops) {
          const k = `k${n}`;
          if (op === 'set') {
            c.set(k, n);
            model.splice(model.indexOf(k) >>> 0, model.includes(k) ? 1 : 0);
            model.push(k);
            if (model.length > max) model.shift();
            assert.equal(c.peek(k), n);
          } else if (op === 'get') {
            const hit = c.get(k);
            assert.equal(hit !== undefined, model.includes(k));
            if (model.includes(k)) model.push(...model.splice(model.indexOf(k), 1));
          } else {
            c.delete(k);
            if (model.includes(k)) model.splice(model.indexOf(k), 1);
          }
          assert.ok(c.size <= max);
          assert.deepEqual(c.keys(), model);
        }
      }),
    );
  });

  it('rejects a bound below one', () => {
    assert.throws(() => new EtagCache(0), RangeError);
  });

  it('keys differ by method, URL, media type and identity, and never contain the token', () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const id = authIdentity(token);
    assert.ok(!id.includes(token) && id.length === 16);
    assert.notEqual(id, authIdentity('ghp_other_token_000000000000000000000'));
    assert.equal(authIdentity(undefined), 'anonymous');
    const k = etagCacheKey('get', 'https://api.github.com/user', id, 'application/vnd.github+json');
    assert.ok(!k.includes(token));
    assert.notEqual(k, etagCacheKey('GET', 'https://api.github.com/user', 'anonymous', 'application/vnd.github+json'));
    assert.notEqual(k, etagCacheKey('GET', 'https://api.github.com/user?x=1', id, 'application/vnd.github+json'));
    assert.notEqual(k, etagCacheKey('GET', 'https://api.github.com/user', id, 'application/vnd.github.raw'));
    assert.equal(k, etagCacheKey('GET', 'https://api.github.com/user', id, 'application/vnd.github+json'));
  });
});
