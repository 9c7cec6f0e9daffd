/**
 * Dependents follow (issue 9): lerna releases every local dependent of a package that moves (fixed
 * mode: to the one version; every package on a breaking move); npm/yarn/pnpm workspaces release the
 * dependents whose range the new version leaves. Planned through the service and `sdlc bump --dry-run
 * --json` on real repositories holding copies of the fixtures; a real release read back by npm.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReleasePlan } from '../../../src/core/versioning/plan';
import { planRepository } from '../../../src/core/versioning/service';
import { runInProcess } from '../cli/cliRunner';
import { TempRepo } from './tempRepo';

const FIXTURES = path.resolve(__dirname, '../../fixtures/ecosystems');

function fixtureRepo(name: string, repos: TempRepo[]): TempRepo {
  const r = new TempRepo(`sdlc-deps-${name}-`);
  repos.push(r);
  cpSync(path.join(FIXTURES, name), r.root, { recursive: true });
  r.commitAll('chore: init');
  return r;
}

const json = (plan: ReleasePlan, file: string) => JSON.parse(plan.files.find((f) => f.path === file)!.after) as { version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; packages?: Record<string, { version?: string }> };

interface BumpAll {
  packages: Array<{ package: string; packageDir: string; current: string; next: string; tag: string; releaseType: string; reason: string; files: string[]; warnings: string[]; changelog: string }>;
  files: string[];
  tags: string[];
  dryRun: boolean;
}

describe('versioning/service: dependents follow the packages that move (real repositories)', () => {
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.dispose()));

  it('lerna fixed mode: the changed package and its local dependents (transitively) move to the one version; the others and a published range stay', async () => {
    const r = fixtureRepo('lerna-fixed-dependents', repos);
    r.tag('v3.4.0');
    r.commit('fix(core): off by one', 'packages/core/src/index.ts');
    const { plans, packages } = await planRepository(r.runner(), { date: '2024-05-01' });
    assert.equal(packages.length, 1);
    const [plan] = plans;
    assert.deepEqual([plan.next, plan.tag], ['3.4.1', 'v3.4.1']);
    assert.deepEqual(plan.members, ['packages/cli', 'packages/core', 'packages/utils'], 'core changed; utils depends on it, cli on utils; docs and legacy (^2.9.0: the published core) stay');
    assert.deepEqual(plan.files.map((f) => f.path).sort(), ['CHANGELOG.md', 'lerna.json', 'package-lock.json', 'packages/cli/package.json', 'packages/core/package.json', 'packages/utils/package.json']);
    assert.deepEqual(json(plan, 'packages/utils/package.json'), { name: '@fx/utils', version: '3.4.1', dependencies: { '@fx/core': '^3.4.1' } });
    assert.deepEqual(json(plan, 'packages/cli/package.json'), { name: '@fx/cli', version: '3.4.1', dependencies: { '@fx/utils': '~3.4.1' } });
    const lock = json(plan, 'package-lock.json').packages! as Record<string, { version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
    assert.deepEqual(['cli', 'core', 'docs', 'legacy', 'utils'].map((p) => lock[`packages/${p}`].version), ['3.4.1', '3.4.1', '3.4.0', '3.4.0', '3.4.1']);
    assert.deepEqual([lock['packages/utils'].dependencies, lock['packages/cli'].dependencies, lock['packages/legacy'].devDependencies], [{ '@fx/core': '^3.4.1' }, { '@fx/utils': '~3.4.1' }, { '@fx/core': '^2.9.0' }]);
    assert.equal(lock['packages/legacy/node_modules/@fx/core'].version, '2.9.4', 'the published core legacy installs is left alone');
  });

  it('lerna fixed mode: a breaking change moves every package (lerna: all packages on a major move), a published range still stays', async () => {
    const r = fixtureRepo('lerna-fixed-dependents', repos);
    r.tag('v3.4.0');
    r.commit('feat(docs)!: new layout', 'packages/docs/index.md');
    const [plan] = (await planRepository(r.runner(), {})).plans;
    assert.deepEqual([plan.next, plan.members], ['4.0.0', ['packages/cli', 'packages/core', 'packages/docs', 'packages/legacy', 'packages/utils']]);
    assert.deepEqual(json(plan, 'packages/legacy/package.json'), { name: '@fx/legacy', version: '4.0.0', devDependencies: { '@fx/core': '^2.9.0' } });
  });

  it('npm workspaces: dependents whose range the new version leaves are released (a patch, transitively); a range still matching moves without a release; one that cannot be rewritten is a warning', async () => {
    const r = fixtureRepo('npm-workspaces-dependents', repos);
    for (const t of ['@kit/base@1.4.0', '@kit/pinned@2.0.0', '@kit/caret@0.9.0', '@kit/top@5.0.0', '@kit/wide@1.0.0']) r.tag(t);
    r.commit('feat(base): streaming', 'packages/base/src/stream.ts');
    const result = await planRepository(r.runner(), { date: '2024-05-01' });
    assert.deepEqual(result.plans.map((p) => [p.packageDir, p.current, p.next, p.tag, p.releaseType]), [
      ['packages/base', '1.4.0', '1.5.0', '@kit/base@1.5.0', 'minor'],
      ['packages/pinned', '2.0.0', '2.0.1', '@kit/pinned@2.0.1', 'patch'],
      ['packages/top', '5.0.0', '5.0.1', '@kit/top@5.0.1', 'patch'],
    ]);
    const [base, pinned, top] = result.plans;
    assert.match(pinned.reason, /@kit\/base moves to 1\.5\.0 and its range "~1\.4\.0" no longer matches/);
    assert.match(top.reason, /@kit\/pinned moves to 2\.0\.1 and its range "2\.0\.0" no longer matches/);
    assert.match(pinned.changelog, /^## 2\.0\.1 \(2024-05-01\)\n\n\*\*Note:\*\* Version bump only: @kit\/base moves to 1\.5\.0/);
    assert.deepEqual(pinned.commits, []);
    const all = result.plans.flatMap((p) => p.files);
    assert.equal(new Set(all.map((f) => f.path)).size, all.length, 'each file in one plan');
    const file = (p: string) => JSON.parse(all.find((f) => f.path === p)!.after) as Record<string, unknown>;
    assert.deepEqual(file('packages/pinned/package.json'), { name: '@kit/pinned', version: '2.0.1', dependencies: { '@kit/base': '~1.5.0' } });
    assert.deepEqual(file('packages/top/package.json'), { name: '@kit/top', version: '5.0.1', dependencies: { '@kit/pinned': '2.0.1' } });
    assert.deepEqual(file('packages/caret/package.json'), { name: '@kit/caret', version: '0.9.0', dependencies: { '@kit/base': '^1.5.0' } }, 'the range follows, the package is not released');
    assert.ok(!all.some((f) => f.path === 'packages/wide/package.json'), 'a range that cannot be rewritten is left alone');
    assert.match(base.warnings.join('\n'), /packages\/wide\/package\.json: "@kit\/base": ">=1\.4\.0 <1\.5\.0" does not allow 1\.5\.0, and the release cannot rewrite that range; change it by hand/);
    const lock = file('package-lock.json') as { packages: Record<string, { version?: string }> };
    assert.deepEqual(['base', 'caret', 'pinned', 'top', 'wide'].map((p) => lock.packages[`packages/${p}`].version), ['1.5.0', '0.9.0', '2.0.1', '5.0.1', '1.0.0']);
    const ranges = lock.packages as Record<string, { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>;
    assert.deepEqual(
      [ranges['packages/caret'].dependencies, ranges['packages/pinned'].dependencies, ranges['packages/top'].dependencies, ranges['packages/wide'].peerDependencies],
      [{ '@kit/base': '^1.5.0' }, { '@kit/base': '~1.5.0' }, { '@kit/pinned': '2.0.1' }, { '@kit/base': '>=1.4.0 <1.5.0' }],
      'the ranges the lockfile records (npm ci resolves from them) agree with the manifests',
    );
    assert.deepEqual(result.packages.find((p) => p.dir === 'packages/caret')!.state.status, 'nothing');

    // A package asked for alone (--package): its dependents are named in a warning, not released with it.
    const only = await planRepository(r.runner(), { only: ['packages/base'] });
    assert.deepEqual(only.plans.map((p) => p.packageDir), ['packages/base']);
    const warned = only.plans[0].warnings.join('\n');
    assert.match(warned, /@kit\/pinned \(packages\/pinned\) names @kit\/base as "~1\.4\.0", which 1\.5\.0 leaves: it should be released too/);
    assert.match(warned, /@kit\/top \(packages\/top\) names @kit\/pinned as "2\.0\.0", which 2\.0\.1 leaves/);
  });

  it('lerna independent mode: a local dependent follows even a patch (lerna releases every dependent)', async () => {
    const r = fixtureRepo('lerna-independent', repos);
    r.tag('x@1.4.0');
    r.tag('y@0.3.1');
    r.commit('fix(x): leak', 'packages/x/src.ts');
    const { plans } = await planRepository(r.runner(), {});
    assert.deepEqual(plans.map((p) => [p.package, p.next, p.releaseType]), [['x', '1.4.1', 'patch'], ['y', '0.3.2', 'patch']]);
    assert.match(plans[1].reason, /it depends on x, which moves to 1\.4\.1/);
    assert.deepEqual(JSON.parse(plans[1].files.find((f) => f.path === 'packages/y/package.json')!.after), { name: 'y', version: '0.3.2', dependencies: { x: '~1.4.1' } });
  });

  it('sdlc bump --dry-run --json lists every package, tag and file (lerna fixed: one tag; npm workspaces: one per package)', async () => {
    const fixed = fixtureRepo('lerna-fixed-dependents', repos);
    fixed.tag('v3.4.0');
    fixed.commit('fix(core): off by one', 'packages/core/src/index.ts');
    let out = await runInProcess(['bump', '--dry-run', '--json', '--cwd', fixed.root]);
    assert.equal(out.code, 0, out.stderr);
    const unit = JSON.parse(out.stdout) as BumpAll['packages'][number] & { dryRun: boolean };
    assert.deepEqual([unit.current, unit.next, unit.tag, unit.dryRun], ['3.4.0', '3.4.1', 'v3.4.1', true], 'one release unit, one tag');
    assert.deepEqual([...unit.files].sort(), ['CHANGELOG.md', 'lerna.json', 'package-lock.json', 'packages/cli/package.json', 'packages/core/package.json', 'packages/utils/package.json']);
    assert.equal(fixed.git('status', '--porcelain'), '');

    const ws = fixtureRepo('npm-workspaces-dependents', repos);
    for (const t of ['@kit/base@1.4.0', '@kit/pinned@2.0.0', '@kit/caret@0.9.0', '@kit/top@5.0.0', '@kit/wide@1.0.0']) ws.tag(t);
    ws.commit('feat(base): streaming', 'packages/base/src/stream.ts');
    out = await runInProcess(['bump', '--dry-run', '--json', '--cwd', ws.root]);
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout) as BumpAll;
    assert.deepEqual(doc.tags, ['@kit/base@1.5.0', '@kit/pinned@2.0.1', '@kit/top@5.0.1']);
    assert.deepEqual([...doc.files].sort(), [
      'package-lock.json',
      'packages/base/CHANGELOG.md',
      'packages/base/package.json',
      'packages/caret/package.json',
      'packages/pinned/CHANGELOG.md',
      'packages/pinned/package.json',
      'packages/top/CHANGELOG.md',
      'packages/top/package.json',
    ]);
    assert.equal(ws.git('status', '--porcelain'), '');
  });

  it('a real release of the npm workspace: npm reads the new versions and npm ci accepts the lockfile', async function () {
    try {
      execFileSync('npm', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const r = fixtureRepo('npm-workspaces-dependents', repos);
    for (const t of ['@kit/base@1.4.0', '@kit/pinned@2.0.0', '@kit/caret@0.9.0', '@kit/top@5.0.0', '@kit/wide@1.0.0']) r.tag(t);
    r.commit('feat(base): streaming', 'packages/base/src/stream.ts');
    const out = await runInProcess(['bump', '--json', '--cwd', r.root]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(r.git('tag', '--points-at', 'HEAD').trim().split('\n').sort(), ['@kit/base@1.5.0', '@kit/pinned@2.0.1', '@kit/top@5.0.1']);
    const npm = (...args: string[]) => execFileSync('npm', args, { cwd: r.root, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const versions = JSON.parse(npm('pkg', 'get', 'version', '--workspaces', '--json')) as Record<string, { version: string } | string>;
    const v = (name: string) => {
      const e = versions[name];
      return typeof e === 'string' ? e : e.version;
    };
    assert.deepEqual(['@kit/base', '@kit/pinned', '@kit/top', '@kit/caret'].map(v), ['1.5.0', '2.0.1', '5.0.1', '0.9.0']);
    // The peer range the release warned about (">=1.4.0 <1.5.0") really breaks the workspace for npm…
    assert.throws(() => npm('ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'), /@kit\/wide/);
    // …and once changed by hand, as the warning says, npm installs the released workspace.
    for (const f of ['packages/wide/package.json', 'package-lock.json']) r.write(f, readFileSync(path.join(r.root, f), 'utf8').replace('>=1.4.0 <1.5.0', '>=1.5.0 <1.6.0'));
    npm('ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund');
    npm('ls', '--all', '--offline'); // exits non-zero on an invalid or missing link
    assert.equal(readFileSync(path.join(r.root, 'packages/top/package.json'), 'utf8'), '{\n  "name": "@kit/top",\n  "version": "5.0.1",\n  "dependencies": {\n    "@kit/pinned": "2.0.1"\n  }\n}\n');
  });
});
