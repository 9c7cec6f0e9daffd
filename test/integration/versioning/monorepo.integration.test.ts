import { strict as assert } from 'node:assert';
import { discoverPackages } from '../../../src/core/versioning/monorepo';
import { describePackage, planRepository } from '../../../src/core/versioning/service';
import { SdlcError } from '../../../src/core/errors';
import { TempRepo } from './tempRepo';

const pkg = (name: string, version: string, deps?: Record<string, string>) =>
  JSON.stringify({ name, version, ...(deps ? { dependencies: deps } : {}) }, null, 2) + '\n';

describe('versioning/monorepo (package discovery, planning service) on real repositories', () => {
  const repos: TempRepo[] = [];
  const make = () => {
    const r = new TempRepo('sdlc-mono-');
    repos.push(r);
    return r;
  };
  after(() => repos.forEach((r) => r.dispose()));

  it('discovers packages from .sdlc.json globs (*, **, !) or npm workspaces, skipping node_modules', async () => {
    const r = make();
    for (const d of ['packages/a', 'packages/b', 'packages/private', 'tools/deep/x', 'packages/a/node_modules/dep', 'docs']) r.write(`${d}/package.json`, pkg(d.split('/').pop()!, '1.0.0'));
    r.write('packages/no-manifest/readme.md', 'x');
    r.write('package.json', JSON.stringify({ name: 'root', private: true, workspaces: { packages: ['packages/*'] } }));
    assert.deepEqual(await discoverPackages(r.root), ['packages/a', 'packages/b', 'packages/private'], 'workspaces (object form)');
    assert.deepEqual(await discoverPackages(r.root, { packages: ['packages/*', '!packages/private', 'tools/**'] }), ['packages/a', 'packages/b', 'tools/deep/x']);
    assert.deepEqual(await discoverPackages(r.root, { packages: ['.', 'docs'] }), ['.', 'docs']);
    await assert.rejects(discoverPackages(r.root, { packages: ['../x'] }), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidPackage');
  });

  it('plans only changed packages and the dependents whose range they leave, ranges follow, files once; a tag format without ${name} is refused', async () => {
    const r = make();
    r.write('package.json', JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
    r.write('packages/a/package.json', pkg('a', '1.0.0'));
    r.write('packages/b/package.json', pkg('b', '2.0.0', { a: '^1.0.0' }));
    r.write('packages/c/package.json', pkg('c', '0.1.0', { a: '~1.0.0', b: '^2.0.0' }));
    r.write('package-lock.json', JSON.stringify({ name: 'root', lockfileVersion: 3, packages: { '': { name: 'root' }, 'packages/a': { name: 'a', version: '1.0.0' }, 'packages/b': { name: 'b', version: '2.0.0' } } }, null, 2) + '\n');
    r.commitAll('chore: init');
    for (const t of ['a@1.0.0', 'b@2.0.0', 'c@0.1.0']) r.tag(t);
    r.commit('feat: a feature', 'packages/a/src.ts');
    r.commit('fix: b fix', 'packages/b/src.ts');
    const before = r.git('status', '--porcelain');

    const { plans } = await planRepository(r.runner(), { date: '2024-05-01' });
    // c names a as "~1.0.0", which 1.1.0 leaves: c follows (a patch); its "^2.0.0" on b still matches 2.0.1.
    assert.deepEqual(plans.map((p) => [p.package, p.next, p.tag]), [['a', '1.1.0', 'a@1.1.0'], ['b', '2.0.1', 'b@2.0.1'], ['c', '0.1.1', 'c@0.1.1']]);
    const all = plans.flatMap((p) => p.files);
    assert.equal(new Set(all.map((f) => f.path)).size, all.length, 'each file in exactly one plan');
    const file = (p: string) => all.find((f) => f.path === p)!;
    assert.deepEqual(JSON.parse(file('packages/b/package.json').after), { name: 'b', version: '2.0.1', dependencies: { a: '^1.1.0' } }, 'own bump and dependency edit chained');
    assert.deepEqual(JSON.parse(file('packages/c/package.json').after), { name: 'c', version: '0.1.1', dependencies: { a: '~1.1.0', b: '^2.0.1' } });
    const lock = JSON.parse(file('package-lock.json').after) as { packages: Record<string, { version?: string }> };
    assert.deepEqual([lock.packages['packages/a'].version, lock.packages['packages/b'].version], ['1.1.0', '2.0.1']);
    assert.equal(r.git('status', '--porcelain'), before, 'planning writes nothing');

    await assert.rejects(planRepository(r.runner(), { config: { versioning: { tagFormat: 'v${version}' } } }), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidTagFormat');
  });

  it('without a configured format, each package keeps the convention of its tags (ripgrep: name-1.2.3); a new package follows the others', async () => {
    const r = make();
    r.write('package.json', JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
    r.write('packages/a/package.json', pkg('a', '1.0.0'));
    r.write('packages/b/package.json', pkg('b', '2.0.0'));
    r.commitAll('chore: init');
    for (const t of ['a-1.0.0', 'b-2.0.0']) r.tag(t);
    r.write('packages/c/package.json', pkg('c', '0.1.0'));
    r.commitAll('feat: c');
    r.commit('fix: a fix', 'packages/a/src.ts');
    const result = await planRepository(r.runner());
    assert.deepEqual(
      result.plans.map((p) => [p.package, p.tag, p.previousTag]),
      [
        ['a', 'a-1.0.1', 'a-1.0.0'],
        ['c', 'c-0.2.0', null],
      ],
    );
    assert.deepEqual(result.warnings, [], 'no tag is left unexplained');
    assert.equal((await describePackage(r.root, 'packages/a', {}, ['a-1.0.0', 'b-2.0.0'])).format.format('1.0.1'), 'a-1.0.1', 'sdlc changelog --package reads the same');
    // A configured format is taken as it is.
    const configured = await planRepository(r.runner(), { config: { versioning: { tagFormat: '${name}@${version}' } } });
    assert.deepEqual(configured.plans.map((p) => [p.package, p.tag, p.previousTag]).slice(0, 1), [['a', 'a@1.0.1', null]]);
  });

  it('a Go module in a folder is tagged folder/v1.2.3, the only tags the go command reads as its versions', async () => {
    const r = make();
    r.write('go.mod', 'module example.com/otel\n\ngo 1.21\n');
    r.write('sdk/metric/go.mod', 'module example.com/otel/sdk/metric\n\ngo 1.21\n');
    r.write('sdk/trace/go.mod', 'module example.com/otel/sdk/trace\n\ngo 1.21\n');
    r.write('.sdlc.json', JSON.stringify({ packages: ['.', 'sdk/*'] }));
    r.commitAll('chore: init');
    for (const t of ['v1.0.0', 'sdk/metric/v0.5.0']) r.tag(t);
    r.commit('feat(metric): views', 'sdk/metric/view.go');
    r.commit('fix(trace): spans', 'sdk/trace/span.go');
    const result = await planRepository(r.runner(), { config: { packages: ['.', 'sdk/*'] } });
    const byDir = new Map(result.plans.map((p) => [p.packageDir, [p.tag, p.previousTag]]));
    assert.deepEqual(byDir.get('sdk/metric'), ['sdk/metric/v0.6.0', 'sdk/metric/v0.5.0']);
    assert.deepEqual(byDir.get('sdk/trace'), ['sdk/trace/v0.0.1', null]);
    assert.deepEqual(result.warnings, [], 'sdk/metric/v0.5.0 is a release of sdk/metric, not a tag left unexplained');
    // The root module ends where the nested modules start: their commits are not its own.
    assert.equal(result.packages.find((p) => p.dir === '.')?.state.status, 'nothing', JSON.stringify(result.packages.find((p) => p.dir === '.')?.state));
    r.commit('fix: in the root module', 'root.go');
    const again = await planRepository(r.runner(), { config: { packages: ['.', 'sdk/*'] } });
    assert.deepEqual(again.plans.find((p) => p.packageDir === '.')?.commits.map((c) => c.subject), ['in the root module']);
  });
});
