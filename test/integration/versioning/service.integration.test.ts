import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { applyRelease } from '../../../src/core/versioning/release';
import { planRepository } from '../../../src/core/versioning/service';
import { TempRepo } from './tempRepo';

const FIXTURES = path.resolve(__dirname, '../../fixtures/ecosystems');

/** A repository holding a copy of a fixture, committed as `chore: init`. */
function fixtureRepo(name: string, repos: TempRepo[]): TempRepo {
  const r = new TempRepo(`sdlc-svc-${name}-`);
  repos.push(r);
  cpSync(path.join(FIXTURES, name), r.root, { recursive: true });
  r.commitAll('chore: init');
  return r;
}

const ready = (p: { state: { status: string } }) => {
  assert.equal(p.state.status, 'ready', JSON.stringify(p.state));
  return (p.state as { status: 'ready'; plan: import('../../../src/core/versioning/plan').ReleasePlan }).plan;
};

describe('versioning/service: one planning service over the ecosystem adapters (real repositories)', () => {
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.dispose()));

  it('lerna fixed mode + pnpm: the private root is not a package; one unit at the lerna.json version, tag v${version}, the changed package and its dependents moved', async () => {
    const r = fixtureRepo('lerna-fixed-pnpm', repos);
    r.tag('v21.2.2');
    r.commit('feat(a): new option', 'packages/a/src/option.ts');
    const git = r.runner();
    const result = await planRepository(git, { date: '2024-05-01' });
    assert.equal(result.packages.length, 1, 'one release unit, not the private root package');
    const [unit] = result.packages;
    assert.deepEqual([unit.dir, unit.ecosystem, unit.current, unit.lastTag], ['.', 'lerna', '21.2.2', 'v21.2.2']);
    assert.match(unit.where, /^lerna\.json version \(fixed mode/);
    assert.deepEqual(unit.members, ['packages/a', 'packages/b']);
    const plan = ready(unit);
    assert.deepEqual([plan.next, plan.tag, plan.previousTag], ['21.3.0', 'v21.3.0', 'v21.2.2']);
    assert.deepEqual(plan.members, ['packages/a', 'packages/b'], 'a changed; b depends on it (workspace:^ and a peer range), so lerna moves it too');
    assert.equal(plan.files[0].path, 'lerna.json', 'where the version lives comes first');
    const lernaAfter = JSON.parse(plan.files[0].after) as { version: string };
    assert.equal(lernaAfter.version, '21.3.0');
    const a = plan.files.find((f) => f.path === 'packages/a/package.json')!;
    assert.equal((JSON.parse(a.after) as { version: string }).version, '21.3.0');
    assert.ok(!plan.files.some((f) => f.path === 'package.json'), 'the private root manifest is not touched');
    assert.ok(plan.files.some((f) => f.path === 'CHANGELOG.md'));
    assert.equal(r.git('status', '--porcelain'), '', 'planning writes nothing');
  });

  it('lerna fixed mode, an explicit bump with no package changed: every package moves with lerna.json', async () => {
    const r = fixtureRepo('lerna-fixed-pnpm', repos);
    r.tag('v21.2.2');
    r.commit('docs: readme', 'README.md');
    const result = await planRepository(r.runner(), { bump: 'patch', only: ['.'] });
    const [plan] = result.plans;
    assert.deepEqual([plan.next, plan.tag, plan.members], ['21.2.3', 'v21.2.3', ['packages/a', 'packages/b']]);
    assert.deepEqual(plan.files.map((f) => f.path).sort(), ['CHANGELOG.md', 'lerna.json', 'packages/a/package.json', 'packages/b/package.json']);
  });

  it('Go: the version comes from the tags; a breaking change without /v2 in the module path is a warning in the plan', async () => {
    const r = fixtureRepo('go-module', repos);
    r.tag('v1.4.0');
    r.commit('feat!: new API');
    const [pkg] = (await planRepository(r.runner(), {})).packages;
    assert.deepEqual([pkg.ecosystem, pkg.current, pkg.currentSource], ['go', '1.4.0', 'tag']);
    const plan = ready(pkg);
    assert.deepEqual([plan.next, plan.tag, plan.files.map((f) => f.path)], ['2.0.0', 'v2.0.0', ['CHANGELOG.md']]);
    assert.match(plan.warnings.join('\n'), /go\.mod: version 2\.0\.0 needs the module path to end in \/v2/);
  });

  it('Helm: Chart.yaml version; appVersion follows only with versioning.helm.appVersion', async () => {
    const r = fixtureRepo('helm', repos);
    r.tag('v0.8.1');
    r.commit('feat: new value');
    const chart = (config: object) => planRepository(r.runner(), { config }).then((res) => ready(res.packages[0]).files.find((f) => f.path === 'Chart.yaml')!);
    const plain = await chart({});
    const follow = await chart({ versioning: { helm: { appVersion: true } } });
    assert.match(plain.after, /^version: 0\.9\.0$/m);
    assert.doesNotMatch(plain.after, /^appVersion: "?0\.9\.0/m);
    assert.match(follow.after, /^version: 0\.9\.0$/m);
    assert.match(follow.after, /^appVersion: "?0\.9\.0/m);
  });

  it('a Cargo workspace with an inherited version: one unit writing Cargo.toml, Cargo.lock and the path requirements', async () => {
    const r = fixtureRepo('cargo-workspace', repos);
    r.tag('v2.13.1');
    r.commit('feat: faster parser', 'crates/core/src/lib2.rs');
    const result = await planRepository(r.runner(), {});
    const unit = result.packages.find((p) => p.dir === '.')!;
    assert.equal(unit.ecosystem, 'cargo');
    const plan = ready(unit);
    assert.deepEqual([plan.current, plan.next, plan.tag], ['2.13.1', '2.14.0', 'v2.14.0']);
    const paths = plan.files.map((f) => f.path);
    for (const f of ['Cargo.toml', 'Cargo.lock', 'CHANGELOG.md']) assert.ok(paths.includes(f), `${f} in ${paths.join(', ')}`);
    assert.match(plan.files.find((f) => f.path === 'Cargo.lock')!.after, /name = "demo-core"\nversion = "2\.14\.0"/);
  });

  it('reads the history once for every package: one git log whatever the number of packages', async () => {
    const r = new TempRepo('sdlc-svc-once-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "root",\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n');
    for (let i = 0; i < 12; i++) r.write(`packages/p${i}/package.json`, `{\n  "name": "p${i}",\n  "version": "1.0.${i}"\n}\n`);
    r.commitAll('chore: init');
    for (let i = 0; i < 12; i++) r.tag(`p${i}@1.0.${i}`);
    r.commit('feat: p3', 'packages/p3/x.ts');
    r.commit('fix: p7', 'packages/p7/x.ts');
    r.tag('p7@1.0.8'); // a later release of p7 alone
    r.commit('fix: p7 again', 'packages/p7/y.ts');
    const git = r.runner();
    const result = await planRepository(git, {});
    assert.deepEqual(result.plans.map((p) => [p.package, p.next, p.commits.length]), [['p3', '1.1.0', 1], ['p7', '1.0.9', 1]]);
    const logs = git.calls.filter((c) => c[0] === 'log');
    assert.equal(logs.length, 1, git.calls.map((c) => c.join(' ')).join('\n'));
    assert.ok(logs[0].includes('--name-only'), 'packages in folders: the history lists the files of each commit');
    assert.ok(git.calls.length <= 4, `git calls: ${git.calls.map((c) => c[0]).join(', ')}`);
    assert.equal(result.packages.length, 12, 'the private root is not a package');
    assert.ok(result.monorepo);
  });

  it('one package at the root: the history is read without the files of each commit (most of git\'s work), with the same plan', async () => {
    const r = new TempRepo('sdlc-svc-nofiles-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "solo",\n  "version": "1.0.0"\n}\n');
    r.commitAll('chore: init');
    r.tag('v1.0.0');
    r.commit('feat: one', 'src/one.ts');
    r.commit('fix: two', 'docs/two.md');
    r.git('checkout', '-q', '-b', 'topic');
    r.commit('feat: merged in', 'lib/three.ts');
    r.git('checkout', '-q', 'main');
    r.git('merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic');
    // As `sdlc bump` plans it (the package holding the working folder): no --name-only.
    const git = r.runner();
    const result = await planRepository(git, { only: ['.'] });
    assert.deepEqual(result.plans.map((p) => [p.package, p.next, p.commits.map((c) => c.subject).sort()]), [['solo', '1.1.0', ['merged in', 'one', 'two']]]);
    const logs = git.calls.filter((c) => c[0] === 'log');
    assert.equal(logs.length, 1, git.calls.map((c) => c.join(' ')).join('\n'));
    assert.ok(!logs[0].includes('--name-only'), logs[0].join(' '));
    // As the Versions view plans it (every package; the history read while the packages are found,
    // without the files when the layout is known by then, else with them): the same plan, one log.
    const all = r.runner();
    const every = await planRepository(all, {});
    assert.deepEqual(every.plans, result.plans);
    assert.equal(all.calls.filter((c) => c[0] === 'log').length, 1, all.calls.map((c) => c.join(' ')).join('\n'));
    // --package with a folder: that read lists files again (the speculation is off with `only`).
    r.write('lib/package.json', '{\n  "name": "lib",\n  "version": "0.1.0"\n}\n');
    r.commitAll('feat(lib): a package of its own');
    const git2 = r.runner();
    const only = await planRepository(git2, { only: ['lib'] });
    assert.deepEqual(only.plans.map((p) => [p.package, p.commits.map((c) => c.subject).sort()]), [['lib', ['a package of its own', 'merged in']]]);
    assert.ok(git2.calls.filter((c) => c[0] === 'log').every((c) => c.includes('--name-only')));
  });

  it('the history read while the packages are found (from the newest tag of each family) is used only when it is the range they need; else it is read again from their own tags', async () => {
    const r = new TempRepo('sdlc-svc-speculate-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "root",\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n');
    for (const p of ['a', 'b']) r.write(`packages/${p}/package.json`, `{\n  "name": "${p}",\n  "version": "1.0.0"\n}\n`);
    r.commitAll('chore: init');
    r.tag('a@1.0.0');
    r.tag('b@1.0.0');
    r.commit('feat: a one', 'packages/a/one.ts');
    r.commit('fix: b one', 'packages/b/one.ts');
    r.tag('b@1.0.1');
    // A newer tag of a's family on a branch HEAD does not contain: not a's last release.
    r.git('checkout', '-q', '-b', 'side');
    r.commit('feat: on the side', 'packages/a/side.ts');
    r.tag('a@1.2.0');
    r.git('checkout', '-q', 'main');
    r.commit('fix: a two', 'packages/a/two.ts');
    const git = r.runner();
    const result = await planRepository(git, {});
    assert.deepEqual(result.plans.map((p) => [p.package, p.previousTag, p.next, p.commits.map((c) => c.subject)]), [['a', 'a@1.0.0', '1.1.0', ['a two', 'a one']]]);
    assert.equal(git.calls.filter((c) => c[0] === 'log').length, 2, 'the early read (from a@1.2.0 and b@1.0.1) was not the range: read again from a@1.0.0 and b@1.0.1');
    // The same commits as without the early read (a package asked for alone is planned without it).
    assert.deepEqual((await planRepository(r.runner(), { only: ['packages/a'] })).plans[0].commits, result.plans[0].commits);

    r.git('tag', '-d', 'a@1.2.0'); // now every family's newest tag is the one its package needs
    const again = r.runner();
    assert.deepEqual((await planRepository(again, {})).plans.map((p) => [p.package, p.commits.length]), [['a', 2]]);
    assert.equal(again.calls.filter((c) => c[0] === 'log').length, 1, 'the early read was the range: one git log');
  });

  it('a placeholder version (0.0.0-development) is never planned at or below the last tag: the tag is the current version', async () => {
    const r = new TempRepo('sdlc-svc-placeholder-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "lib",\n  "version": "0.0.0-development"\n}\n');
    r.commitAll('chore: init');
    r.tag('v24.1.3');
    r.commit('fix: crash');
    const result = await planRepository(r.runner(), {});
    const [pkg] = result.packages;
    assert.deepEqual([pkg.current, pkg.currentSource], ['24.1.3', 'tag']);
    const plan = ready(pkg);
    assert.deepEqual([plan.next, plan.tag, plan.currentSource], ['24.1.4', 'v24.1.4', 'tag']);
    assert.match(plan.warnings.join('\n'), /0\.0\.0-development, behind the last release tag v24\.1\.3 \(a placeholder\); the current version is 24\.1\.3/);
    await assert.rejects(planRepository(r.runner(), { bump: '24.1.3', only: ['.'] }), (e: unknown) => e instanceof SdlcError && e.code === 'VersionNotGreater');
  });

  it('the default tag format reads v1.2.3 and 1.2.3 tags (new tags follow the last one) and warns about version-like tags it ignores', async () => {
    const r = new TempRepo('sdlc-svc-tags-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "app",\n  "version": "20.2.1"\n}\n');
    r.commitAll('chore: init');
    r.tag('v12.2.0-next.2');
    r.commit('fix: one');
    r.tag('20.2.1');
    r.tag('release-20.2.1');
    r.commit('feat: two');
    const result = await planRepository(r.runner(), {});
    const plan = ready(result.packages[0]);
    assert.deepEqual([plan.previousTag, plan.next, plan.tag, plan.commits.length], ['20.2.1', '20.3.0', '20.3.0', 1]);
    assert.match(result.warnings.join('\n'), /1 tag \(release-20\.2\.1\) looks like a release but does not match the tag format/);
  });

  it('.sdlc.json: versioning.exclude leaves packages out; versioning.ecosystems settles a folder two ecosystems claim', async () => {
    const r = new TempRepo('sdlc-svc-config-');
    repos.push(r);
    r.write('package.json', '{\n  "name": "both",\n  "version": "1.0.0"\n}\n');
    r.write('Cargo.toml', '[package]\nname = "both"\nversion = "3.0.0"\n');
    r.commitAll('feat: init');
    const ambiguous = await planRepository(r.runner(), {});
    const state = ambiguous.packages[0].state;
    assert.ok(state.status === 'error' && state.error instanceof SdlcError && state.error.code === 'AmbiguousEcosystem');
    const chosen = await planRepository(r.runner(), { config: { versioning: { ecosystems: { '.': 'cargo' } } } });
    const plan = ready(chosen.packages[0]);
    assert.deepEqual([plan.ecosystem, plan.current, plan.files.map((f) => f.path)], ['cargo', '3.0.0', ['Cargo.toml', 'CHANGELOG.md']]);

    const m = new TempRepo('sdlc-svc-exclude-');
    repos.push(m);
    m.write('package.json', '{\n  "name": "root",\n  "private": true,\n  "workspaces": ["packages/*", "examples/*"]\n}\n');
    for (const d of ['packages/a', 'examples/demo']) m.write(`${d}/package.json`, `{\n  "name": "${path.basename(d)}",\n  "version": "1.0.0"\n}\n`);
    m.commitAll('feat: init');
    const result = await planRepository(m.runner(), { config: { versioning: { exclude: ['examples/*'] } } });
    assert.deepEqual(result.packages.map((p) => p.dir), ['packages/a']);
  });

  it('a real release of a Cargo workspace: cargo metadata reads the new version and --locked agrees with Cargo.lock', async function () {
    try {
      execFileSync('cargo', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const r = fixtureRepo('cargo-workspace', repos);
    r.tag('v2.13.1');
    r.commit('feat(core): more', 'crates/core/src/more.rs');
    const git = createGit(r.root);
    const { plans } = await planRepository(git, {});
    const done = await applyRelease(git, plans);
    assert.deepEqual(done.tags, ['v2.14.0']);
    const meta = JSON.parse(execFileSync('cargo', ['metadata', '--offline', '--no-deps', '--format-version', '1'], { cwd: r.root, encoding: 'utf8' })) as { packages: Array<{ name: string; version: string }> };
    assert.deepEqual(meta.packages.map((p) => [p.name, p.version]).sort(), [['demo-cli', '2.14.0'], ['demo-core', '2.14.0']]);
    execFileSync('cargo', ['metadata', '--offline', '--locked', '--format-version', '1'], { cwd: r.root, stdio: 'ignore' });
    assert.equal(r.git('status', '--porcelain'), '');
    assert.deepEqual(r.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort(), ['CHANGELOG.md', 'Cargo.lock', 'Cargo.toml', 'crates/cli/Cargo.toml']);
  });

  it('the release of a Cargo workspace rolls back Cargo.toml and Cargo.lock when a step fails (transaction core)', async () => {
    const r = fixtureRepo('cargo-workspace', repos);
    r.tag('v2.13.1');
    r.commit('fix: overflow', 'crates/cli/src/extra.rs');
    const git = createGit(r.root);
    const { plans } = await planRepository(git, {});
    const head = r.git('rev-parse', 'HEAD');
    const files = ['Cargo.toml', 'Cargo.lock'].map((f) => r.git('show', `HEAD:${f}`));
    await assert.rejects(
      applyRelease(git, plans, {
        beforeStep: (step) => {
          if (step === 'tag') throw new SdlcError('HookFailed', 'the tag hook failed');
        },
      }),
      /Everything was restored/,
    );
    assert.equal(r.git('rev-parse', 'HEAD'), head);
    assert.deepEqual(['Cargo.toml', 'Cargo.lock'].map((f) => execFileSync('cat', [path.join(r.root, f)], { encoding: 'utf8' })), files);
    assert.equal(r.git('status', '--porcelain'), '');
    assert.equal(r.git('tag', '--list', 'v2.13.2'), '');
  });
});
