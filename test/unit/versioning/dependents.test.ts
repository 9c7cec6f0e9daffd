import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import semver from 'semver';
import { dependentsToFollow, isBreakingMove, isLocalLink, rangeLeftBehind, type Follow, type WorkspacePackage } from '../../../src/core/versioning/dependents';

const pkg = (dir: string, version: string, dependencies: Record<string, string> = {}): WorkspacePackage => ({
  dir,
  name: dir,
  version,
  dependencies: Object.entries(dependencies).map(([name, range]) => ({ name, range })),
});
const patch = (p: WorkspacePackage) => semver.inc(p.version, 'patch')!;

describe('versioning/dependents: which dependents follow a package that moves', () => {
  it('lerna: every local dependent follows, transitively; a range naming a published version is not local', () => {
    const packages = [
      pkg('core', '3.4.0'),
      pkg('utils', '3.4.0', { core: '^3.4.0' }),
      pkg('cli', '3.4.0', { utils: 'workspace:*' }),
      pkg('docs', '3.4.0'),
      pkg('legacy', '3.4.0', { core: '^2.9.0' }),
      pkg('linked', '1.0.0', { core: 'file:../core' }),
    ];
    const follow = dependentsToFollow(packages, new Map([['core', '3.4.1']]), 'lerna', patch);
    assert.deepEqual([...follow.keys()].sort(), ['cli', 'linked', 'utils']);
    assert.deepEqual(follow.get('cli'), { dependency: 'utils', from: '3.4.0', to: '3.4.1', range: 'workspace:*' });
  });

  it('npm: a dependent follows only when the new version leaves its range and the release rewrites it; otherwise a warning', () => {
    const packages = [
      pkg('base', '1.4.0'),
      pkg('pinned', '2.0.0', { base: '~1.4.0' }),
      pkg('caret', '0.9.0', { base: '^1.4.0' }),
      pkg('top', '5.0.0', { pinned: '2.0.0' }),
      pkg('wide', '1.0.0', { base: '>=1.4.0 <1.5.0' }),
      pkg('ws', '1.0.0', { base: 'workspace:~1.4.0' }),
      pkg('old', '1.0.0', { base: '~1.3.0' }),
    ];
    const stuck: Array<{ dir: string } & Follow> = [];
    const follow = dependentsToFollow(packages, new Map([['base', '1.5.0']]), 'npm', patch, stuck);
    assert.deepEqual([...follow.keys()], ['pinned', 'top']);
    assert.deepEqual(follow.get('top'), { dependency: 'pinned', from: '2.0.0', to: '2.0.1', range: '2.0.0' });
    assert.deepEqual(stuck, [{ dir: 'wide', dependency: 'base', from: '1.4.0', to: '1.5.0', range: '>=1.4.0 <1.5.0' }]);
    // A patch stays inside ~ and ^: nobody follows.
    assert.equal(dependentsToFollow(packages, new Map([['base', '1.4.1']]), 'npm', patch).size, 0);
    // A devDependency is rewritten but does not make its package follow (npm); lerna follows it.
    const dev = [pkg('base', '1.4.0'), { ...pkg('tool', '1.0.0'), dependencies: [{ name: 'base', range: '~1.4.0', field: 'devDependencies' }] }];
    assert.equal(dependentsToFollow(dev, new Map([['base', '1.5.0']]), 'npm', patch).size, 0);
    assert.deepEqual([...dependentsToFollow(dev, new Map([['base', '1.5.0']]), 'lerna', patch).keys()], ['tool']);
  });

  it('a cycle of dependents ends (each package follows once)', () => {
    const packages = [pkg('a', '1.0.0', { b: '1.0.0' }), pkg('b', '1.0.0', { a: '1.0.0' }), pkg('c', '1.0.0', { a: '1.0.0' })];
    const follow = dependentsToFollow(packages, new Map([['a', '1.1.0']]), 'lerna', patch);
    assert.deepEqual([...follow.keys()].sort(), ['b', 'c']);
  });

  it('property: npm followers had a range matching the old version and not the new one; lerna followers a local link; every follower reaches back to a moved package', () => {
    const version = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`);
    const range = fc.oneof(version, version.map((v) => `^${v}`), version.map((v) => `~${v}`), fc.constant('workspace:*'), version.map((v) => `>=${v}`));
    const graph = fc.integer({ min: 2, max: 7 }).chain((n) =>
      fc.tuple(
        fc.array(version, { minLength: n, maxLength: n }),
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), range), { maxLength: 12 }),
        fc.nat(n - 1),
        fc.constantFrom('patch', 'minor', 'major' as const),
        fc.constantFrom('lerna', 'npm' as const),
      ),
    );
    fc.assert(
      fc.property(graph, ([versions, edges, movedIndex, type, mode]) => {
        const packages = versions.map((v, i) =>
          pkg(`p${i}`, v, Object.fromEntries(edges.filter(([from, to]) => from === i && to !== i).map(([, to, r]) => [`p${to}`, r]))),
        );
        const moved = packages[movedIndex];
        const to = semver.inc(moved.version, type)!;
        const follow = dependentsToFollow(packages, new Map([[moved.dir, to]]), mode, patch);
        assert.ok(!follow.has(moved.dir));
        for (const [dir, why] of follow) {
          const p = packages.find((x) => x.dir === dir)!;
          assert.ok(p.dependencies.some((d) => d.name === why.dependency && d.range === why.range));
          if (mode === 'lerna') assert.ok(isLocalLink(why.range, why.from));
          else assert.equal(rangeLeftBehind(why.range, why.from, why.to), 'follow');
          let hops = 0;
          for (let w: Follow | undefined = why; w; w = follow.get(w.dependency)) assert.ok(++hops <= packages.length, 'the chain of causes ends');
        }
        // Closure: no dependent of a moving package is left out that the rule says must follow.
        const moving = new Map([[moved.dir, to], ...[...follow].map(([d]) => [d, patch(packages.find((x) => x.dir === d)!)] as [string, string])]);
        for (const p of packages) {
          if (moving.has(p.dir)) continue;
          for (const d of p.dependencies) {
            const dep = packages.find((x) => x.name === d.name)!;
            if (!moving.has(dep.dir)) continue;
            const must = mode === 'lerna' ? isLocalLink(d.range, dep.version) : rangeLeftBehind(d.range, dep.version, moving.get(dep.dir)!) === 'follow';
            assert.ok(!must, `${p.dir} should follow ${dep.dir} (${d.range})`);
          }
        }
      }),
    );
  });

  it("isBreakingMove is lerna's isBreakingChange: major, a minor below 1.0.0, a patch below 0.1.0", () => {
    assert.deepEqual(
      [['3.4.0', '4.0.0'], ['3.4.0', '3.5.0'], ['0.4.0', '0.5.0'], ['0.4.0', '0.4.1'], ['0.0.3', '0.0.4'], ['1.0.0', '1.0.0']].map(([a, b]) => isBreakingMove(a, b)),
      [true, false, true, false, true, false],
    );
  });
});
