import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { RepositoryQueue } from '../../../src/core/git/repositoryQueue';
import { parseBranchRefs, parseLog, parseRemoteConfig, parseStatusV2, parseTags, shortenRefName, sortTags } from '../../../src/core/git/snapshotParsers';

const Z = '\0';

describe('snapshot parsers', () => {
  it('status --porcelain=v2 --branch -z: head, upstream, ahead/behind, counts, files', () => {
    const out = [
      '# branch.oid 1111111111111111111111111111111111111111',
      '# branch.head feature/x',
      '# branch.upstream origin/feature/x',
      '# branch.ab +2 -3',
      '1 M. N... 100644 100644 100644 aaa bbb staged.txt',
      '1 .M N... 100644 100644 100644 aaa bbb unstaged file.txt',
      '1 MM N... 100644 100644 100644 aaa bbb both.txt',
      '2 R. N... 100644 100644 100644 aaa bbb R100 new name.txt',
      'old name.txt',
      'u UU N... 100644 100644 100644 100644 aaa bbb ccc conflict.txt',
      '? new dir/untracked.txt',
      '! ignored.log',
      '',
    ].join(Z);
    const s = parseStatusV2(out);
    assert.equal(s.oid, '1111111111111111111111111111111111111111');
    assert.equal(s.branch, 'feature/x');
    assert.equal(s.detached, false);
    assert.equal(s.upstream, 'origin/feature/x');
    assert.equal(s.ahead, 2);
    assert.equal(s.behind, 3);
    assert.deepEqual(s.changes, { staged: 3, unstaged: 2, untracked: 1, conflicted: 1 });
    assert.deepEqual(s.files, [
      { path: 'staged.txt', status: 'M.' },
      { path: 'unstaged file.txt', status: '.M' },
      { path: 'both.txt', status: 'MM' },
      { path: 'new name.txt', status: 'R.', origPath: 'old name.txt' },
      { path: 'conflict.txt', status: 'UU' },
      { path: 'new dir/untracked.txt', status: '??' },
    ]);
  });

  it('status of an empty repository and of a detached HEAD', () => {
    const empty = parseStatusV2(['# branch.oid (initial)', '# branch.head trunk', ''].join(Z));
    assert.deepEqual([empty.oid, empty.branch, empty.detached, empty.ahead], [null, 'trunk', false, null]);
    const detached = parseStatusV2(['# branch.oid abc', '# branch.head (detached)', ''].join(Z));
    assert.deepEqual([detached.oid, detached.branch, detached.detached], ['abc', null, true]);
  });

  it('an upstream that is gone has no ahead/behind line', () => {
    const s = parseStatusV2(['# branch.oid abc', '# branch.head main', '# branch.upstream origin/main', ''].join(Z));
    assert.equal(s.upstream, 'origin/main');
    assert.equal(s.ahead, null);
  });

  it('for-each-ref of refs/heads and refs/remotes in one read: branches, upstreams, remotes by their longest name', () => {
    const heads = `refs/heads/main${Z}aaa${Z}refs/remotes/origin/main${Z}\nrefs/heads/solo${Z}bbb${Z}${Z}\n`;
    const remotes = `refs/remotes/origin/HEAD${Z}aaa${Z}${Z}refs/remotes/origin/main\nrefs/remotes/origin/main${Z}aaa${Z}${Z}\nrefs/remotes/up/stream/dev${Z}ccc${Z}${Z}\nrefs/remotes/gone/x${Z}ddd${Z}${Z}\n`;
    const both = parseBranchRefs(heads + remotes, ['origin', 'up', 'up/stream']);
    assert.deepEqual(both.local, [
      { name: 'main', sha: 'aaa', upstreamRef: 'refs/remotes/origin/main' },
      { name: 'solo', sha: 'bbb', upstreamRef: null },
    ]);
    assert.deepEqual(both.remote, [
      { name: 'origin/main', remote: 'origin', sha: 'aaa' },
      { name: 'up/stream/dev', remote: 'up/stream', sha: 'ccc' },
      { name: 'gone/x', remote: 'gone', sha: 'ddd' }, // a remote no longer configured: the first segment
    ]);
    assert.deepEqual(both.names, { heads: new Set(['main', 'solo']), remotes: new Set(['origin/HEAD', 'origin/main', 'up/stream/dev', 'gone/x']), tags: new Set() });
    assert.deepEqual([...both.refSha.keys()], ['refs/heads/main', 'refs/heads/solo', 'refs/remotes/origin/main', 'refs/remotes/up/stream/dev', 'refs/remotes/gone/x']);
    assert.deepEqual(both.tagKey, '');
    assert.deepEqual(parseBranchRefs('', ['origin']), { local: [], remote: [], refSha: new Map(), names: { heads: new Set(), remotes: new Set(), tags: new Set() }, tagKey: '' });
  });

  it('property: parseBranchRefs equals splitting every row, and its tag key is parseTags\' key of the same tags', () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/);
    const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
    const row = fc.record({
      kind: fc.constantFrom('heads', 'remotes', 'tags'),
      name: fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
      sha,
      upstream: fc.option(fc.constantFrom('refs/remotes/origin/main', 'refs/heads/dev'), { nil: '' }),
      symref: fc.option(fc.constantFrom('refs/remotes/origin/main'), { nil: '' }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => `${r.kind}/${r.name}`, maxLength: 30 }), (rows) => {
        // As git prints them: sorted by ref; upstreams only on local branches, symbolic refs only among remote-tracking ones.
        const refs = rows
          .map((r) => ({ ...r, ref: `refs/${r.kind}/${r.name}`, upstream: r.kind === 'heads' ? r.upstream : '', symref: r.kind === 'remotes' ? r.symref : '' }))
          .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
        const output = refs.map((r) => `${r.ref}${Z}${r.sha}${Z}${r.upstream}${Z}${r.symref}\n`).join('');
        const got = parseBranchRefs(output, ['origin']);
        const heads = refs.filter((r) => r.kind === 'heads');
        const remotes = refs.filter((r) => r.kind === 'remotes');
        const tagsOf = refs.filter((r) => r.kind === 'tags');
        assert.deepEqual(got.local, heads.map((r) => ({ name: r.name, sha: r.sha, upstreamRef: r.upstream || null })));
        assert.deepEqual(got.remote, remotes.filter((r) => !r.symref).map((r) => ({ name: r.name, remote: r.name.startsWith('origin/') ? 'origin' : r.name.split('/')[0], sha: r.sha })));
        assert.deepEqual(got.refSha, new Map([...heads, ...remotes.filter((r) => !r.symref)].map((r) => [r.ref, r.sha])));
        const under = (ns: string) => new Set(refs.filter((r) => r.kind === ns).map((r) => r.name));
        assert.deepEqual(got.names, { heads: under('heads'), remotes: under('remotes'), tags: under('tags') });
        const full = tagsOf.map((r) => `${r.ref}${Z}commit${Z}${r.sha}${Z}${Z}subject`).join('\n');
        assert.equal(got.tagKey, parseTags(full).key);
      }),
    );
  });

  /** The names of these full refs, as parseBranchRefs gives them. */
  const namesOf = (refs: Iterable<string>) => parseBranchRefs([...refs].sort().map((r) => `${r}${Z}sha${Z}${Z}\n`).join(''), []).names;

  it('short upstream names as git prints %(upstream:short): shortest unambiguous form', () => {
    const refs = new Set(['refs/heads/main', 'refs/heads/origin/dup', 'refs/tags/origin/tagged', 'refs/remotes/origin/main', 'refs/remotes/origin/HEAD', 'refs/remotes/a/b/main']);
    let names = namesOf(refs);
    assert.equal(shortenRefName('refs/remotes/origin/main', names), 'origin/main');
    assert.equal(shortenRefName('refs/remotes/a/b/main', names), 'a/b/main'); // remote "a/b": the name is the same
    assert.equal(shortenRefName('refs/remotes/origin/gone', names), 'origin/gone'); // an upstream that no longer exists
    assert.equal(shortenRefName('refs/heads/main', names), 'main'); // upstream in the same repository (remote ".")
    // a local branch / tag with the same short name: git falls back to `remotes/…`
    assert.equal(shortenRefName('refs/remotes/origin/dup', names), 'remotes/origin/dup');
    assert.equal(shortenRefName('refs/remotes/origin/tagged', names), 'remotes/origin/tagged');
    // a branch named like a remote with a HEAD (refs/remotes/origin/HEAD): `heads/origin`
    refs.add('refs/heads/origin');
    names = namesOf(refs);
    assert.equal(shortenRefName('refs/heads/origin', names), 'heads/origin');
    assert.equal(shortenRefName('refs/remotes/origin/HEAD', names), 'origin/HEAD');
  });

  it('property: short names asked by namespace equal the rules applied to full refs (names like heads/x, refs/…, tags/…)', () => {
    const RULES = [['', ''], ['refs/', ''], ['refs/tags/', ''], ['refs/heads/', ''], ['refs/remotes/', ''], ['refs/remotes/', '/HEAD']] as const;
    /** refs.c shorten_unambiguous_ref over a set of full refs: the reference. */
    const reference = (ref: string, refs: ReadonlySet<string>) => {
      for (let i = RULES.length - 1; i > 0; i--) {
        const [prefix, suffix] = RULES[i];
        if (!ref.startsWith(prefix) || !ref.endsWith(suffix) || ref.length <= prefix.length + suffix.length) continue;
        const short = ref.slice(prefix.length, ref.length - suffix.length);
        if (!RULES.some(([p, x], j) => j !== i && refs.has(`${p}${short}${x}`))) return short;
      }
      return ref;
    };
    const segment = fc.constantFrom('refs', 'heads', 'remotes', 'tags', 'origin', 'main', 'HEAD', 'x');
    const ref = fc.tuple(fc.constantFrom('refs/heads/', 'refs/remotes/', 'refs/tags/'), fc.array(segment, { minLength: 1, maxLength: 4 })).map(([ns, parts]) => ns + parts.join('/'));
    fc.assert(
      fc.property(fc.uniqueArray(ref, { maxLength: 25 }), fc.array(ref, { minLength: 1, maxLength: 5 }), (read, asked) => {
        const refs = new Set(read);
        const names = namesOf(refs);
        for (const r of [...asked, ...read]) assert.equal(shortenRefName(r, names), reference(r, refs), r);
      }),
      { numRuns: 500 },
    );
  });

  it('tags: annotated peeled, semver newest first (prereleases below releases), others by name', () => {
    const line = (name: string, type: string, sha: string, peeled = '') => `refs/tags/${name}${Z}${type}${Z}${sha}${Z}${peeled}${Z}subject ${name}`;
    const out = [
      line('v1.0.0', 'tag', 'tagobj', 'commit1'),
      line('nightly', 'commit', 'c2'),
      line('v2.0.0-rc.1', 'commit', 'c3'),
      line('v10.0.0', 'commit', 'c4'),
      line('2.0.0', 'commit', 'c5'),
      line('v2.0.0', 'commit', 'c6'),
      line('alpha', 'commit', 'c7'),
      line('release-3', 'commit', 'c8'),
    ].join('\n');
    const { tags, key } = parseTags(out);
    assert.deepEqual(
      tags.map((t) => t.name),
      ['v10.0.0', '2.0.0', 'v2.0.0', 'v2.0.0-rc.1', 'v1.0.0', 'alpha', 'nightly', 'release-3'],
    );
    const v1 = tags.find((t) => t.name === 'v1.0.0');
    assert.deepEqual(v1, { name: 'v1.0.0', sha: 'commit1', version: '1.0.0', annotated: true, subject: 'subject v1.0.0' });
    assert.equal(tags.find((t) => t.name === 'nightly')?.version, null);
    // The key: each tag's ref and object, in git's order, as parseBranchRefs gives it for the same refs.
    assert.equal(key.split('\n')[0], `refs/tags/v1.0.0${Z}tagobj${Z}${Z}`);
    assert.equal(parseBranchRefs(out.split('\n').map((l) => { const [ref, , sha] = l.split(Z); return `${ref}${Z}${sha}${Z}${Z}`; }).join('\n'), []).tagKey, key);
    assert.deepEqual(sortTags([{ name: 'b', version: null }, { name: 'a', version: null }]).map((t) => t.name), ['a', 'b']);
  });

  it('remotes from their configuration (as remote -v gives them), log records', () => {
    const config = (entries: Array<[string, string | null]>) => entries.map(([k, v]) => (v === null ? `${k}${Z}` : `${k}\n${v}${Z}`)).join('');
    assert.deepEqual(
      parseRemoteConfig(
        config([
          ['remote.up.url', '/srv/x'],
          ['remote.origin.url', 'gh:o/r'],
          ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
          ['remote.origin.pushurl', 'git@github.com:o/r.git'],
          ['remote.origin.pushurl', 'second'],
          ['url.https://github.com/.insteadof', 'gh:'],
          ['url.https://elsewhere/.insteadof', 'g'],
          ['remote.pushdefault', 'up'],
          ['remote.prune-only.prune', 'true'],
          ['remote.novalue.url', null],
          ['remote.a.b.url', 'ssh://h/x'],
          ['url.ssh://push/.pushinsteadof', 'ssh://h/'],
        ]),
      ),
      [
        { name: 'a.b', fetchUrl: 'ssh://h/x', pushUrl: 'ssh://push/x' },
        { name: 'origin', fetchUrl: 'https://github.com/o/r', pushUrl: 'https://elsewhere/it@github.com:o/r.git' }, // (insteadOf rewrites pushurls too)
        { name: 'up', fetchUrl: '/srv/x', pushUrl: '/srv/x' },
      ],
    );
    assert.deepEqual(parseRemoteConfig(''), []);
    const log = parseLog(`a${Z}p1 p2${Z}Ann${Z}ann@x${Z}2024-01-01T00:00:00+00:00${Z}Merge it\x1e\nb${Z}${Z}Bob${Z}bob@x${Z}2023-01-01T00:00:00+00:00${Z}init\x1e\n`);
    assert.deepEqual(log[0].parents, ['p1', 'p2']);
    assert.equal(log[0].subject, 'Merge it');
    assert.deepEqual(log[1].parents, []);
    assert.deepEqual([log[1].authorName, log[1].subject], ['Bob', 'init']);
  });
});

describe('RepositoryQueue', () => {
  it('runs one task at a time, in order, and keeps going after a failure', async () => {
    const q = new RepositoryQueue();
    const events: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) =>
      q.run(async () => {
        running++;
        assert.equal(running, 1, 'two tasks overlapped');
        events.push(`start ${name}`);
        await new Promise((r) => setImmediate(r));
        events.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('shared tasks run alongside the shared tasks next to them, never alongside an exclusive one', async () => {
    const q = new RepositoryQueue();
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    let exclusiveRunning = 0;
    let sharedRunning = 0;
    let maxShared = 0;
    const task = (name: string, shared: boolean) =>
      q.run(
        async () => {
          if (shared) {
            assert.equal(exclusiveRunning, 0, `${name} started during an exclusive task`);
            maxShared = Math.max(maxShared, ++sharedRunning);
          } else {
            assert.equal(exclusiveRunning + sharedRunning, 0, `${name} started while another task ran`);
            exclusiveRunning++;
          }
          events.push(`start ${name}`);
          await new Promise<void>((resolve) => gates.set(name, resolve));
          events.push(`end ${name}`);
          if (shared) sharedRunning--;
          else exclusiveRunning--;
          if (name === 'r2') throw new Error('a failed read frees its turn too');
          return name;
        },
        { shared },
      );
    const open = async (name: string) => {
      while (!gates.has(name)) await new Promise((r) => setImmediate(r));
      gates.get(name)?.();
    };
    const all = Promise.allSettled([task('w1', false), task('r1', true), task('r2', true), task('r3', true), task('w2', false), task('r4', true)]);
    await open('w1');
    // r1, r2, r3 all start before any of them ends; w2 waits for all three
    await Promise.all([open('r3'), open('r1'), open('r2')]);
    await open('w2');
    await open('r4');
    const results = await all;
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal(maxShared, 3);
    assert.deepEqual(events.slice(0, 5), ['start w1', 'end w1', 'start r1', 'start r2', 'start r3']);
    assert.deepEqual(events.slice(8), ['start w2', 'end w2', 'start r4', 'end r4']);
    assert.equal(q.started, 6);
    assert.equal(q.pending, 0);
  });
});
