import { strict as assert } from 'node:assert';
import { SdlcError } from '../../../src/core/errors';
import { findLastRelease, pickLastRelease } from '../../../src/core/versioning/lastRelease';
import { compileTagFormat } from '../../../src/core/versioning/tagFormat';

const line = (tag: string, sha: string, peeled = '') => `${tag}\0${sha}\0${peeled}`;

describe('versioning/tagFormat + lastRelease', () => {
  it('formats and parses tags', () => {
    const v = compileTagFormat('v${version}');
    assert.equal(v.format('1.2.3'), 'v1.2.3');
    assert.equal(v.parse('v1.2.3-rc.1'), '1.2.3-rc.1');
    for (const t of ['1.2.3', 'v1.2', 'v01.2.3', 'vv1.2.3', 'x@1.2.3', 'v']) assert.equal(v.parse(t), null, t);
    const mono = compileTagFormat('${name}@${version}', '@acme/core');
    assert.equal(mono.format('2.0.0'), '@acme/core@2.0.0');
    assert.equal(mono.parse('@acme/core@2.0.0'), '2.0.0');
    assert.equal(mono.parse('@acme/ui@2.0.0'), null);
    assert.throws(() => compileTagFormat('release'), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidTagFormat');
    assert.throws(() => compileTagFormat('${name}@${version}'), (e: unknown) => e instanceof SdlcError && /no name/.test(e.message));
  });

  it('picks the highest matching version, ignoring other tags, peeling annotated tags', () => {
    const out = [line('v1.2.0', 'a'), line('v1.10.0', 'b', 'B'), line('v1.9.0', 'c'), line('nightly', 'd'), line('x@9.0.0', 'e'), line('v2.0.0-rc.1', 'f')].join('\n') + '\n';
    assert.deepEqual(pickLastRelease(out, compileTagFormat('v${version}')), { tag: 'v2.0.0-rc.1', version: '2.0.0-rc.1', sha: 'f' });
    assert.deepEqual(pickLastRelease(out, compileTagFormat('v${version}'), false), { tag: 'v1.10.0', version: '1.10.0', sha: 'B' });
    assert.equal(pickLastRelease('', compileTagFormat('v${version}')), null);
  });

  it('asks git once for the tags merged into HEAD', async () => {
    const calls: (readonly string[])[] = [];
    const r = await findLastRelease({ run: async (a) => (calls.push(a), line('v0.1.0', 's')) }, compileTagFormat('v${version}'));
    assert.equal(r?.tag, 'v0.1.0');
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].slice(0, 4), ['tag', '--merged', 'HEAD', '--list']);
  });
});
