import { strict as assert } from 'node:assert';
import { SdlcError } from '../../../src/core/errors';
import type { ReleasePlan } from '../../../src/core/versioning/plan';
import { planRepository, type PlanRepositoryOptions } from '../../../src/core/versioning/service';
import { TempRepo } from './tempRepo';

const usage = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SdlcError, String(e));
  assert.equal(e.code, code);
  assert.equal(e.usage, true);
  if (message) assert.match(e.message, message);
  return true;
};

/** The plan of one package folder (default the root) through the planning service; its errors thrown. */
async function planOne(git: Parameters<typeof planRepository>[0], options: PlanRepositoryOptions & { packageDir?: string } = {}): Promise<ReleasePlan> {
  const { packageDir, ...rest } = options;
  const result = await planRepository(git, { ...rest, only: [packageDir ?? '.'] });
  assert.equal(result.plans.length, 1, JSON.stringify(result.packages.map((p) => p.state)));
  return result.plans[0];
}

describe('versioning/service: one package planned on a real repository (pure plan)', () => {
  const repos: TempRepo[] = [];
  const make = () => {
    const r = new TempRepo();
    repos.push(r);
    return r;
  };
  after(() => repos.forEach((r) => r.dispose()));

  const pkg = '{\n  "name": "demo",\n  "version": "1.2.3",\n  "private": true\n}\n';
  const lock = '{\n  "name": "demo",\n  "version": "1.2.3",\n  "lockfileVersion": 3,\n  "packages": {\n    "": {\n      "name": "demo",\n      "version": "1.2.3"\n    }\n  }\n}\n';

  it('plans the recommended bump with manifest, lockfile and changelog, writing nothing', async () => {
    const r = make();
    r.write('package.json', pkg);
    r.write('package-lock.json', lock);
    r.write('CHANGELOG.md', '# Changelog\n\n## 1.2.3 (2024-01-01)\n\n* old\n');
    r.commitAll('chore: release 1.2.3');
    r.tag('v1.2.3', true);
    const feat = r.commit('feat(api): search');
    r.commit('fix: crash');
    const before = r.git('status', '--porcelain');

    const result = await planRepository(r.runner(), { date: '2024-05-01', github: { owner: 'acme', repo: 'demo' } });
    assert.equal(result.monorepo, false);
    assert.deepEqual(result.packages.map((p) => [p.dir, p.ecosystem, p.where, p.currentSource]), [['.', 'npm', 'package.json version', 'manifest']]);
    const [plan] = result.plans;
    assert.deepEqual(
      [plan.package, plan.current, plan.next, plan.releaseType, plan.reason, plan.tag, plan.previousTag],
      ['demo', '1.2.3', '1.3.0', 'minor', '1 feature, 1 bug fix', 'v1.3.0', 'v1.2.3'],
    );
    assert.deepEqual(plan.commits.map((c) => [c.type, c.scope, c.subject, c.breaking]), [['fix', null, 'crash', false], ['feat', 'api', 'search', false]]);
    assert.equal(plan.commits[1].sha, feat);
    assert.deepEqual(plan.files.map((f) => f.path), ['package.json', 'package-lock.json', 'CHANGELOG.md']);
    assert.equal(plan.files[0].after, pkg.replace('1.2.3', '1.3.0'));
    assert.equal(plan.files[1].after, lock.split('1.2.3').join('1.3.0'));
    assert.ok(plan.files[2].after.startsWith('# Changelog\n\n## [1.3.0](https://github.com/acme/demo/compare/v1.2.3...v1.3.0) (2024-05-01)\n'));
    assert.ok(plan.files[2].after.endsWith('\n## 1.2.3 (2024-01-01)\n\n* old\n'));
    assert.match(plan.changelog, /\* \*\*api:\*\* search \(\[[0-9a-f]{7}\]\(https:\/\/github\.com\/acme\/demo\/commit\/[0-9a-f]{40}\)\)/);
    assert.equal(r.git('status', '--porcelain'), before, 'nothing written');
    assert.deepEqual(plan.warnings, []);
    assert.doesNotThrow(() => JSON.stringify(plan));
  });

  it('explicit types, prerelease, exact version; creates a missing changelog; versioning.changelog false', async () => {
    const r = make();
    r.write('package.json', pkg);
    r.commitAll('feat: first');
    const git = r.runner();
    const pre = await planOne(git, { bump: 'prerelease', preid: 'rc' });
    assert.deepEqual([pre.next, pre.tag, pre.previousTag, pre.releaseType], ['1.3.0-rc.0', 'v1.3.0-rc.0', null, 'prerelease']);
    const changelog = pre.files.find((f) => f.path === 'CHANGELOG.md')!;
    assert.equal(changelog.before, null);
    assert.ok(changelog.after.startsWith('# Changelog\n\n## 1.3.0-rc.0 ('));
    assert.equal((await planOne(git, { bump: '2.0.0' })).releaseType, 'exact');
    await assert.rejects(planOne(git, { bump: '1.0.0' }), usage('VersionNotGreater'));
    assert.deepEqual((await planOne(git, { bump: 'major', config: { versioning: { changelog: false } } })).files.map((f) => f.path), ['package.json']);
    assert.deepEqual(pre.warnings, []);

    // The history kept under another name (requests' HISTORY.md): CHANGELOG.md is still what is written, with a hint.
    r.write('HISTORY.md', 'Release History\n===============\n');
    r.commitAll('docs: history');
    const hinted = await planOne(git);
    assert.deepEqual(hinted.files.map((f) => f.path), ['package.json', 'CHANGELOG.md']);
    assert.deepEqual(hinted.warnings, ['CHANGELOG.md will be created, but HISTORY.md looks like this package\'s history: set versioning.changelog in .sdlc.json to "HISTORY.md" to write there instead (false for no changelog).']);
    const configured = await planOne(git, { config: { versioning: { changelog: 'HISTORY.md' } } });
    assert.equal(configured.files.find((f) => f.path === 'HISTORY.md')?.before, 'Release History\n===============\n');
    assert.deepEqual(configured.warnings, []);
  });

  it('bad input: nothing to release, tag exists, invalid manifest (file:line:column), invalid version', async () => {
    const r = make();
    r.write('package.json', pkg);
    r.commitAll('feat: first');
    r.tag('v1.2.3');
    const git = r.runner();
    await assert.rejects(planOne(git), usage('NothingToRelease', /since v1\.2\.3/));
    r.commit('fix: x');
    r.tag('v1.2.4'); // someone tagged by hand without bumping package.json
    r.commit('fix: y');
    // The manifest is behind the tag v1.2.4: the tag is the current version, so patch gives 1.2.5.
    assert.equal((await planOne(git, { bump: 'patch' })).tag, 'v1.2.5');
    await assert.rejects(planOne(git, { bump: '1.2.4' }), usage('VersionNotGreater'));
    r.write('package.json', '{\n  "name": "demo",\n  "version": "1.2.5"\n}\n');
    r.git('checkout', '-q', '-b', 'side');
    r.commit('fix: on a side branch', 'side.txt');
    r.tag('v1.2.6'); // not in HEAD's history (so not the last release), but the name is taken
    r.git('checkout', '-q', 'main');
    await assert.rejects(planOne(git, { bump: '1.2.6' }), usage('TagExists', /v1\.2\.6 already exists/));
    r.write('package.json', '{\n  "name": "demo",\n  "version": "1.2.3"\n  "x": 1\n}\n');
    await assert.rejects(planOne(git), usage('InvalidJson', /^package\.json:4:3:/));
    r.write('package.json', '{ "name": "demo", "version": "one" }');
    await assert.rejects(planOne(git), usage('InvalidVersion', /"one" is not a semantic version/));
  });

  it('a package in a subfolder: its own tags (${name}@${version}) and only its commits; a folder outside the repository is refused', async () => {
    const r = make();
    r.write('packages/core/package.json', '{ "name": "@acme/core", "version": "0.3.0" }\n');
    r.commitAll('feat(core): start');
    r.tag('@acme/core@0.3.0');
    r.commit('feat(ui)!: elsewhere', 'packages/ui/index.js');
    r.commit('fix(core): inside', 'packages/core/index.js');
    const plan = await planOne(r.runner(), { packageDir: 'packages/core/' });
    assert.deepEqual([plan.package, plan.next, plan.tag, plan.commits.length], ['@acme/core', '0.3.1', '@acme/core@0.3.1', 1]);
    assert.deepEqual(plan.files.map((f) => f.path), ['packages/core/package.json', 'packages/core/CHANGELOG.md']);
    await assert.rejects(planOne(r.runner(), { packageDir: '../x' }), usage('InvalidPackage'));
    await assert.rejects(planOne(r.runner(), { packageDir: '/etc' }), usage('InvalidPackage'));
  });
});
