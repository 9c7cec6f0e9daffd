import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  cargo,
  dotnet,
  go,
  gradle,
  helm,
  createHelmAdapter,
  lerna,
  maven,
  memoryFiles,
  npm,
  python,
  type EcosystemAdapter,
} from '../../../../src/core/versioning/ecosystems';
import { applyEdits, changedRegion, loadFixture } from './helpers';

interface Case {
  title: string;
  fixture: string;
  adapter: EcosystemAdapter;
  dir: string;
  version: string;
  name: string | null;
  where: string;
  /** file:line:column of the version. */
  at: string;
}

const CASES: Case[] = [
  { title: 'Cargo [package] version', fixture: 'cargo-single', adapter: cargo, dir: '.', version: '0.9.3', name: 'single', where: 'Cargo.toml [package] version', at: 'Cargo.toml:3:11' },
  { title: 'Cargo member inheriting [workspace.package] version', fixture: 'cargo-workspace', adapter: cargo, dir: 'crates/core', version: '2.13.1', name: 'demo-core', where: 'Cargo.toml [workspace.package] version (inherited by crates/core/Cargo.toml)', at: 'Cargo.toml:7:11' },
  { title: 'Cargo member with version = { workspace = true }', fixture: 'cargo-workspace', adapter: cargo, dir: 'crates/cli', version: '2.13.1', name: 'demo-cli', where: 'Cargo.toml [workspace.package] version (inherited by crates/cli/Cargo.toml)', at: 'Cargo.toml:7:11' },
  { title: 'Cargo virtual workspace root', fixture: 'cargo-workspace', adapter: cargo, dir: '.', version: '2.13.1', name: null, where: 'Cargo.toml [workspace.package] version', at: 'Cargo.toml:7:11' },
  { title: 'PEP 621 [project] version', fixture: 'python-pep621', adapter: python, dir: '.', version: '1.4.0', name: 'demo-pep621', where: 'pyproject.toml [project] version', at: 'pyproject.toml:7:12' },
  { title: 'Poetry [tool.poetry] version', fixture: 'python-poetry', adapter: python, dir: '.', version: '0.7.2', name: 'demo-poetry', where: 'pyproject.toml [tool.poetry] version', at: 'pyproject.toml:3:12' },
  { title: 'hatch dynamic version file', fixture: 'python-hatch', adapter: python, dir: '.', version: '3.0.1', name: 'demo-hatch', where: 'src/demo/__about__.py __version__ ([tool.hatch.version] path in pyproject.toml)', at: 'src/demo/__about__.py:2:16' },
  { title: 'setuptools attr', fixture: 'python-setuptools-attr', adapter: python, dir: '.', version: '2.2.0', name: 'demo-attr', where: 'src/demo/__init__.py __version__ (setuptools attr in pyproject.toml)', at: 'src/demo/__init__.py:3:16' },
  { title: 'setup.cfg [metadata] version', fixture: 'python-setupcfg', adapter: python, dir: '.', version: '5.1.0', name: 'demo-cfg', where: 'setup.cfg [metadata] version', at: 'setup.cfg:3:11' },
  { title: 'Maven ${revision}', fixture: 'maven-revision', adapter: maven, dir: '.', version: '1.2.0', name: 'demo-parent', where: 'pom.xml <properties><revision> (the project\'s version is ${revision})', at: 'pom.xml:11:15' },
  { title: 'Maven project/version', fixture: 'maven-plain', adapter: maven, dir: '.', version: '3.1.0', name: 'plain-parent', where: 'pom.xml <project><version>', at: 'pom.xml:6:12' },
  { title: 'Gradle gradle.properties', fixture: 'gradle', adapter: gradle, dir: '.', version: '4.0.2', name: null, where: 'gradle.properties version', at: 'gradle.properties:3:11' },
  { title: 'Helm Chart.yaml version', fixture: 'helm', adapter: helm, dir: '.', version: '0.8.1', name: 'demo-chart', where: 'Chart.yaml version', at: 'Chart.yaml:6:10' },
  { title: '.NET Directory.Build.props <VersionPrefix>', fixture: 'dotnet', adapter: dotnet, dir: 'src/Demo', version: '2.5.0', name: 'Demo', where: 'Directory.Build.props <VersionPrefix> (shared by src/Demo/Demo.csproj)', at: 'Directory.Build.props:4:20' },
  { title: '.NET project file <Version>', fixture: 'dotnet-csproj', adapter: dotnet, dir: '.', version: '1.0.4', name: 'Demo.Lib', where: 'Demo.Lib.csproj <Version>', at: 'Demo.Lib.csproj:5:14' },
  { title: 'npm root package.json indented with tabs', fixture: 'npm-workspaces', adapter: npm, dir: '.', version: '2.0.0', name: 'npm-root', where: 'package.json version', at: 'package.json:3:14' },
  { title: 'npm package.json', fixture: 'npm-workspaces', adapter: npm, dir: 'packages/lib', version: '1.1.0', name: 'lib', where: 'packages/lib/package.json version', at: 'packages/lib/package.json:3:15' },
  { title: 'lerna fixed mode', fixture: 'lerna-fixed-pnpm', adapter: lerna, dir: '.', version: '21.2.2', name: null, where: 'lerna.json version (fixed mode: every package released at this version, tag v${version})', at: 'lerna.json:3:15' },
];

const semver = fc
  .tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 }), fc.nat({ max: 999 }), fc.option(fc.constantFrom('-rc.0', '-beta.12', '-alpha', '+build.5'), { nil: '' }))
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre}`);

describe('versioning/ecosystems adapters', () => {
  for (const c of CASES) {
    describe(c.title, () => {
      it('reads the version, its name, where it lives and its position', async () => {
        const info = await c.adapter.readVersion(c.dir, memoryFiles(loadFixture(c.fixture)));
        assert.equal(info.version, c.version);
        assert.equal(info.name, c.name);
        assert.equal(info.where, c.where);
        assert.equal(`${info.location!.file}:${info.location!.line}:${info.location!.column}`, c.at);
        assert.ok(await c.adapter.detect(c.dir, memoryFiles(loadFixture(c.fixture))));
      });

      it('property: write then read gives the version; every other byte stays (LF and CRLF)', async () => {
        await fc.assert(
          fc.asyncProperty(semver, fc.boolean(), async (version, crlf) => {
            const before = loadFixture(c.fixture, { crlf });
            const edits = await c.adapter.writeVersion(c.dir, memoryFiles(before), version);
            assert.equal(edits.length, version === c.version ? 0 : 1);
            const after = applyEdits(before, edits);
            assert.equal((await c.adapter.readVersion(c.dir, memoryFiles(after))).version, version);
            for (const file of Object.keys(before)) {
              if (after[file] === before[file]) continue;
              const { removed, added } = changedRegion(before[file], after[file]);
              assert.ok(c.version.includes(removed) && version.includes(added), `${file}: changed ${JSON.stringify(removed)} → ${JSON.stringify(added)}`);
            }
          }),
          { numRuns: 40 },
        );
      });
    });
  }

  it('Helm: appVersion follows when configured, keeping its quotes', async () => {
    const files = loadFixture('helm');
    const edits = await createHelmAdapter({ appVersion: true }).writeVersion('.', memoryFiles(files), '0.9.0');
    assert.equal(edits[0].after, files['Chart.yaml'].replace('version: 0.8.1', 'version: 0.9.0').replace('appVersion: "0.8.1"', 'appVersion: "0.9.0"'));
    const plain = await helm.writeVersion('.', memoryFiles(files), '0.9.0');
    assert.ok(plain[0].after.includes('appVersion: "0.8.1"'));
  });

  it('Go: no version in files; a major ≥ 2 without /vN is a warning', async () => {
    const files = memoryFiles(loadFixture('go-module'));
    const info = await go.readVersion('.', files);
    assert.deepEqual([info.name, info.version], ['example.com/demo', null]);
    assert.deepEqual(await go.writeVersion('.', files, '1.3.0'), []);
    assert.deepEqual(await go.checkNext!('.', files, '1.3.0'), []);
    const [warning] = await go.checkNext!('.', files, '2.0.0');
    assert.match(warning, /go\.mod: version 2\.0\.0 needs the module path to end in \/v2 .*"example\.com\/demo\/v2"/);
    const v2 = memoryFiles({ 'go.mod': 'module example.com/demo/v2\n' });
    assert.deepEqual(await go.checkNext!('.', v2, '2.1.0'), []);
    assert.match((await go.checkNext!('.', v2, '3.0.0'))[0], /\/v3/);
  });

  it('lerna independent mode keeps no version of its own and writes nothing', async () => {
    const files = memoryFiles(loadFixture('lerna-independent'));
    const info = await lerna.readVersion('.', files);
    assert.equal(info.version, null);
    assert.match(info.where, /independent/);
    assert.deepEqual(await lerna.writeVersion('.', files, '2.0.0'), []);
    assert.deepEqual(await lerna.members!('.', files), ['packages/x', 'packages/y']);
  });
});
