import { strict as assert } from 'node:assert';
import { cargo, cargoRequirement, lerna, maven, memoryFiles, npm } from '../../../../src/core/versioning/ecosystems';
import { applyEdits, loadFixture } from './helpers';

describe('versioning/ecosystems workspaces: members, lockfiles, internal requirements', () => {
  it('Cargo: members from globs; one workspace version; Cargo.lock entries and path requirements follow', async () => {
    const before = loadFixture('cargo-workspace');
    const files = memoryFiles(before);
    assert.deepEqual(await cargo.members!('.', files), ['crates/cli', 'crates/core']);
    const versions = new Map([
      ['crates/core', '2.14.0'],
      ['crates/cli', '2.14.0'],
    ]);
    const edits = [...(await cargo.writeVersion('.', files, '2.14.0')), ...(await cargo.lockfiles!('.', files, versions)), ...(await cargo.dependencyEdits!('.', files, versions))];
    const merged = new Map<string, string>();
    for (const e of edits) merged.set(e.file, e.after); // writeVersion and dependencyEdits both start from the fixture
    assert.deepEqual([...merged.keys()].sort(), ['Cargo.lock', 'Cargo.toml', 'crates/cli/Cargo.toml']);
    assert.equal(merged.get('Cargo.lock'), before['Cargo.lock'].replaceAll('version = "2.13.1"', 'version = "2.14.0"'));
    assert.equal(merged.get('crates/cli/Cargo.toml'), before['crates/cli/Cargo.toml'].replace('version = "^2.13"', 'version = "^2.14"'));
    const rootDeps = edits.filter((e) => e.file === 'Cargo.toml').map((e) => e.after);
    assert.ok(rootDeps.some((t) => t === before['Cargo.toml'].replace('version = "2.13.1"   #', 'version = "2.14.0"   #')));
    assert.ok(rootDeps.some((t) => t === before['Cargo.toml'].replace('path = "crates/core", version = "2.13.1"', 'path = "crates/core", version = "2.14.0"')));
  });

  it('Cargo requirements keep operator and precision', () => {
    assert.equal(cargoRequirement('2.13.1', '2.14.0'), '2.14.0');
    assert.equal(cargoRequirement('^2.13', '2.14.0'), '^2.14');
    assert.equal(cargoRequirement('=1.2.3', '1.3.0'), '=1.3.0');
    assert.equal(cargoRequirement('~1', '2.0.0'), '~2');
    assert.equal(cargoRequirement('1.2', '1.3.0-rc.1'), '1.3.0-rc.1');
    assert.equal(cargoRequirement('>=1, <2', '1.3.0'), null);
    assert.equal(cargoRequirement('*', '1.3.0'), null);
  });

  it('npm workspaces: members, package-lock entries (versions and recorded ranges), ranges follow', async () => {
    const before = loadFixture('npm-workspaces');
    const files = memoryFiles(before);
    assert.deepEqual(await npm.members!('.', files), ['packages/app', 'packages/lib']);
    const versions = new Map([['packages/lib', '1.2.0']]);
    const lock = await npm.lockfiles!('.', files, versions);
    assert.equal(lock.length, 1);
    // The lib entry's version, and the range the app entry records for lib (as in app's package.json).
    assert.equal(lock[0].after, before['package-lock.json'].replace('"packages/lib": {\n\t\t\t"version": "1.1.0"', '"packages/lib": {\n\t\t\t"version": "1.2.0"').replace('"lib": "^1.1.0"', '"lib": "^1.2.0"'));
    const deps = await npm.dependencyEdits!('.', files, versions);
    assert.deepEqual(deps.map((e) => e.file), ['packages/app/package.json']);
    assert.equal(deps[0].after, before['packages/app/package.json'].replace('"lib": "^1.1.0"', '"lib": "^1.2.0"'));
  });

  it('lerna fixed + pnpm: members from pnpm-workspace.yaml; `workspace:` ranges stay, others follow', async () => {
    const before = loadFixture('lerna-fixed-pnpm');
    const files = memoryFiles(before);
    assert.deepEqual(await lerna.members!('.', files), ['packages/a', 'packages/b']);
    const edits = await lerna.writeVersion('.', files, '21.3.0');
    assert.equal(applyEdits(before, edits)['lerna.json'], before['lerna.json'].replace('21.2.2', '21.3.0'));
    const deps = await lerna.dependencyEdits!('.', files, new Map([['packages/a', '21.3.0'], ['packages/b', '21.3.0']]));
    assert.deepEqual(deps.map((e) => e.file), ['packages/b/package.json']);
    assert.ok(deps[0].after.includes('"@demo/a": "workspace:^21.2.2"'));
    assert.ok(deps[0].after.includes('"@demo/a": "^21.3.0"'));
  });

  it('Maven multi-module: modules; children name the parent version; sibling dependencies follow; others stay', async () => {
    const before = loadFixture('maven-plain');
    const files = memoryFiles(before);
    assert.deepEqual(await maven.members!('.', files), ['app', 'core']);
    const edits = await maven.dependencyEdits!('.', files, new Map([['.', '3.2.0']]));
    const after = applyEdits(before, [...edits, ...(await maven.writeVersion('.', files, '3.2.0'))]);
    assert.equal(after['core/pom.xml'], before['core/pom.xml'].replace('<version>3.1.0</version>', '<version>3.2.0</version>'));
    assert.equal(after['app/pom.xml'], before['app/pom.xml'].replaceAll('<version>3.1.0</version>', '<version>3.2.0</version>'));
    assert.equal(after['pom.xml'], before['pom.xml'].replace('<version>3.1.0</version>\n  <packaging>', '<version>3.2.0</version>\n  <packaging>'));
    // ${revision}: children keep `${revision}`, only the property moves.
    const rev = loadFixture('maven-revision');
    assert.deepEqual(await maven.dependencyEdits!('.', memoryFiles(rev), new Map([['.', '1.3.0']])), []);
    assert.deepEqual(await maven.members!('.', memoryFiles(rev)), ['app', 'core']);
  });
});
