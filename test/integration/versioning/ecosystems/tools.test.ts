/**
 * After a release's edits, the ecosystem's own tool reads the new version (where the machine has it):
 * cargo metadata (and --locked: Cargo.lock agrees), Python's tomllib / configparser / the module
 * itself, npm pkg get, go mod edit -json, and Python's XML and YAML readers for pom.xml, .props, Chart.yaml.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cargo, diskFiles, dotnet, go, helm, lerna, maven, npm, python, releaseEdits, type EcosystemAdapter } from '../../../../src/core/versioning/ecosystems';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/ecosystems');
const has = (tool: string, args = ['--version']) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;

const temps: string[] = [];
after(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A copy of a fixture with the release's edits written to disk. */
async function released(fixture: string, adapter: EcosystemAdapter, dir: string, version: string | null, members = new Map<string, string>()): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), `sdlc-eco-${fixture}-`));
  temps.push(root);
  cpSync(path.join(FIXTURES, fixture), root, { recursive: true });
  const edits = await releaseEdits(adapter, dir, diskFiles(root), version, members);
  assert.ok(edits.length > 0);
  for (const e of edits) writeFileSync(path.join(root, e.file), e.after);
  return root;
}

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CARGO_TARGET_DIR: path.join(cwd, 'target') } });
/** `npm pkg get KEY` in a folder; inside a workspace npm keys the answer by the package name. */
const npmGet = (key: string, cwd: string): unknown => {
  const out = JSON.parse(run('npm', ['pkg', 'get', key, '--json'], cwd)) as unknown;
  return out && typeof out === 'object' && !Array.isArray(out) && Object.keys(out).length === 1 ? Object.values(out)[0] : out;
};
const py = (code: string, cwd: string) => run('python3', ['-c', code], cwd).trim();

describe('versioning/ecosystems: the ecosystem tools read what the adapters write', function () {
  this.timeout(60_000);

  it('cargo metadata: a workspace with an inherited version, path requirements and Cargo.lock', async function () {
    if (!has('cargo')) this.skip();
    const root = await released('cargo-workspace', cargo, '.', '2.14.0', new Map([['crates/core', '2.14.0'], ['crates/cli', '2.14.0']]));
    const meta = JSON.parse(run('cargo', ['metadata', '--offline', '--no-deps', '--format-version', '1'], root)) as { packages: { name: string; version: string }[] };
    assert.deepEqual(meta.packages.map((p) => `${p.name}@${p.version}`).sort(), ['demo-cli@2.14.0', 'demo-core@2.14.0']);
    // --locked fails when Cargo.lock would have to change: the lockfile agrees with the manifests.
    run('cargo', ['metadata', '--offline', '--locked', '--format-version', '1'], root);
  });

  it('cargo metadata: a single crate', async function () {
    if (!has('cargo')) this.skip();
    const root = await released('cargo-single', cargo, '.', '1.0.0');
    const meta = JSON.parse(run('cargo', ['metadata', '--offline', '--no-deps', '--format-version', '1'], root)) as { packages: { version: string }[] };
    assert.equal(meta.packages[0].version, '1.0.0');
  });

  it('Python: tomllib for PEP 621 and poetry, the module for hatch and setuptools attr, configparser for setup.cfg', async function () {
    if (!has('python3', ['-c', 'import tomllib'])) this.skip();
    let root = await released('python-pep621', python, '.', '1.5.0');
    assert.equal(py('import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])', root), '1.5.0');
    root = await released('python-poetry', python, '.', '0.8.0');
    assert.equal(py('import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["tool"]["poetry"]["version"])', root), '0.8.0');
    root = await released('python-hatch', python, '.', '3.1.0');
    assert.equal(py('import runpy; print(runpy.run_path("src/demo/__about__.py")["__version__"])', root), '3.1.0');
    root = await released('python-setuptools-attr', python, '.', '2.3.0');
    assert.equal(py('import sys; sys.path.insert(0, "src"); import demo; print(demo.__version__)', root), '2.3.0');
    root = await released('python-setupcfg', python, '.', '5.2.0');
    assert.equal(py('import configparser; c = configparser.ConfigParser(); c.read("setup.cfg"); print(c["metadata"]["version"])', root), '5.2.0');
  });

  it('npm pkg get version: workspaces and lerna fixed mode', async function () {
    if (!has('npm')) this.skip();
    let root = await released('npm-workspaces', npm, '.', null, new Map([['packages/lib', '1.2.0']]));
    assert.equal(npmGet('version', path.join(root, 'packages/lib')), '1.2.0');
    assert.equal(npmGet('dependencies.lib', path.join(root, 'packages/app')), '^1.2.0');
    assert.equal(py('import json; print(json.load(open("package-lock.json"))["packages"]["packages/lib"]["version"])', root), '1.2.0');
    root = await released('lerna-fixed-pnpm', lerna, '.', '21.3.0', new Map([['packages/a', '21.3.0'], ['packages/b', '21.3.0']]));
    assert.equal(npmGet('version', path.join(root, 'packages/b')), '21.3.0');
    assert.equal(npmGet('peerDependencies.@demo/a', path.join(root, 'packages/b')), '^21.3.0');
    assert.equal(py('import json; print(json.load(open("lerna.json"))["version"])', root), '21.3.0');
  });

  it('go mod edit -json reads the module path the Go adapter checks', async function () {
    if (!has('go', ['version'])) this.skip(); // golang-go from Debian; absent on machines without it
    const root = path.join(FIXTURES, 'go-module');
    const mod = JSON.parse(run('go', ['mod', 'edit', '-json'], root)) as { Module: { Path: string } };
    assert.equal((await go.readVersion('.', diskFiles(root))).name, mod.Module.Path);
    assert.equal((await go.checkNext!('.', diskFiles(root), '2.0.0')).length, 1);
  });

  it('pom.xml, Directory.Build.props and Chart.yaml stay valid and say the new version (Python XML / YAML readers)', async function () {
    if (!has('python3', ['-c', 'import yaml, xml.etree.ElementTree'])) this.skip();
    const ns = '{http://maven.apache.org/POM/4.0.0}';
    let root = await released('maven-revision', maven, '.', '1.3.0');
    assert.equal(py(`import xml.etree.ElementTree as E; print(E.parse("pom.xml").getroot().find("${ns}properties/${ns}revision").text)`, root), '1.3.0');
    root = await released('maven-plain', maven, '.', '3.2.0', new Map());
    assert.equal(py(`import xml.etree.ElementTree as E; print(E.parse("core/pom.xml").getroot().find("${ns}parent/${ns}version").text)`, root), '3.2.0');
    root = await released('dotnet', dotnet, 'src/Demo', '2.6.0');
    assert.equal(py('import xml.etree.ElementTree as E; print(E.parse("Directory.Build.props").getroot().find("PropertyGroup/VersionPrefix").text)', root), '2.6.0');
    root = await released('helm', helm, '.', '0.9.0');
    assert.equal(py('import yaml; print(yaml.safe_load(open("Chart.yaml"))["version"])', root), '0.9.0');
  });
});
