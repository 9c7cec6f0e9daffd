import { strict as assert } from 'node:assert';
import { SdlcError } from '../../../../src/core/errors';
import { cargo, detectEcosystem, dotnet, helm, lerna, maven, memoryFiles, npm, python, type EcosystemAdapter } from '../../../../src/core/versioning/ecosystems';
import { loadFixture } from './helpers';

async function refuses(adapter: EcosystemAdapter, files: Record<string, string>, dir: string, code: string, message: RegExp) {
  for (const run of [() => adapter.readVersion(dir, memoryFiles(files)), () => adapter.writeVersion(dir, memoryFiles(files), '9.9.9')]) {
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof SdlcError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.usage, true);
      assert.match(e.message, message);
      return true;
    });
  }
}

describe('versioning/ecosystems bad input: a clear message at file:line:column, nothing written', () => {
  it('syntax errors', async () => {
    await refuses(cargo, { 'Cargo.toml': '[package]\nname = "x"\nversion = "1.0.0\n' }, '.', 'InvalidToml', /^Cargo\.toml:3:\d+: not valid TOML/);
    await refuses(python, { 'pyproject.toml': '[project]\nversion = = "1"\n' }, '.', 'InvalidToml', /^pyproject\.toml:2:\d+: not valid TOML/);
    await refuses(maven, { 'pom.xml': '<project>\n  <version>1.0.0</version>\n  <build>\n</project>\n' }, '.', 'InvalidXml', /^pom\.xml:3:3: not well-formed XML \(<build> is never closed\)/);
    await refuses(helm, { 'Chart.yaml': 'name: x\nversion: [1.0\n' }, '.', 'InvalidYaml', /^Chart\.yaml:\d+:\d+: not valid YAML/);
    await refuses(npm, { 'package.json': '{\n  "version": "1.0.0",\n}\n' }, '.', 'InvalidJson', /^package\.json:3:1: not valid JSON/);
    await refuses(lerna, { 'lerna.json': '{ "version": ' }, '.', 'InvalidJson', /^lerna\.json:1:\d+/);
  });

  it('a missing version', async () => {
    await refuses(cargo, { 'Cargo.toml': '[package]\nname = "x"\n' }, '.', 'MissingVersion', /^Cargo\.toml:1:1: no \[package\] version/);
    await refuses(python, { 'pyproject.toml': '[project]\nname = "x"\n' }, '.', 'MissingVersion', /^pyproject\.toml:1:1: no version/);
    await refuses(maven, { 'pom.xml': '<project>\n  <artifactId>x</artifactId>\n</project>\n' }, '.', 'MissingVersion', /^pom\.xml:1:1: no <project><version>/);
    await refuses(helm, { 'Chart.yaml': 'name: x\n' }, '.', 'MissingVersion', /^Chart\.yaml:1:1: no `version:`/);
    await refuses(dotnet, { 'A.csproj': '<Project>\n</Project>\n' }, '.', 'MissingVersion', /^A\.csproj: no <Version> or <VersionPrefix>/);
    await refuses(npm, { 'package.json': '{ "name": "x" }' }, '.', 'MissingVersion', /package\.json has no "version"/);
  });

  it('version.workspace = true without a workspace version', async () => {
    const files = { 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n' };
    await refuses(cargo, files, 'a', 'MissingWorkspaceVersion', /^a\/Cargo\.toml:3:21: version\.workspace = true, but Cargo\.toml has no \[workspace\.package\] version/);
    await refuses(cargo, { 'a/Cargo.toml': '[package]\nname = "a"\nversion = { workspace = true }\n' }, 'a', 'MissingWorkspaceVersion', /no workspace root above this package/);
  });

  it('a dynamic Python version whose file is not found', async () => {
    const hatch = loadFixture('python-hatch');
    delete hatch['src/demo/__about__.py'];
    await refuses(python, hatch, '.', 'DynamicVersionFileNotFound', /^pyproject\.toml:10:8: the version file src\/demo\/__about__\.py was not found/);
    const attr = loadFixture('python-setuptools-attr');
    delete attr['src/demo/__init__.py'];
    await refuses(python, attr, '.', 'DynamicVersionFileNotFound', /^pyproject\.toml:10:20: the version attribute "demo\.__version__" is in none of/);
  });

  it('workspace globs that match nothing', async () => {
    const files = memoryFiles({ 'package.json': '{ "name": "r", "version": "1.0.0", "workspaces": ["packages/*", "tools/*"] }', 'packages/a/package.json': '{ "name": "a", "version": "1.0.0" }' });
    await assert.rejects(npm.members!('.', files), /package\.json: the workspace pattern "tools\/\*" matches no folder with a package\.json/);
    const cargoFiles = memoryFiles({ 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n' });
    await assert.rejects(cargo.members!('.', cargoFiles), /Cargo\.toml: the workspace pattern "crates\/\*" matches no folder with a Cargo\.toml/);
  });

  it('two ecosystems claiming one folder without a choice; lerna next to package.json is no conflict', async () => {
    const both = memoryFiles({ 'package.json': '{ "name": "x", "version": "1.0.0" }', 'Cargo.toml': '[package]\nname = "x"\nversion = "1.0.0"\n' });
    await assert.rejects(detectEcosystem('.', both), /npm \(package\.json\) and cargo \(Cargo\.toml\) both claim this folder; choose one in \.sdlc\.json: "versioning": \{ "ecosystems": \{ "\.": "npm" \} \}/);
    assert.equal((await detectEcosystem('.', both, 'cargo'))!.adapter.id, 'cargo');
    await assert.rejects(detectEcosystem('.', both, 'helm'), /configured as helm, but no helm manifest is there/);
    assert.equal((await detectEcosystem('.', memoryFiles(loadFixture('lerna-fixed-pnpm'))))!.adapter.id, 'lerna');
    assert.equal(await detectEcosystem('.', memoryFiles({ 'README.md': 'x' })), null);
    const tooling = memoryFiles({ 'package.json': '{ "private": true, "devDependencies": { "husky": "^9.0.0" } }', 'Cargo.toml': '[package]\nname = "x"\nversion = "1.0.0"\n' });
    assert.equal((await detectEcosystem('.', tooling))!.adapter.id, 'cargo', 'a package.json without a version (tooling) claims nothing next to Cargo.toml');
  });

  it('a pyproject.toml that is no package (uv package = false, Poetry package-mode = false) claims nothing: renovate\'s docs environment', async () => {
    const pkg = '{ "name": "renovate", "version": "0.0.0-semantic-release" }';
    const uv = '[project]\nname = "renovate-docs"\nversion = "0.0.0"\n\n[tool.uv]\npackage = false\n';
    assert.equal((await detectEcosystem('.', memoryFiles({ 'package.json': pkg, 'pyproject.toml': uv })))!.adapter.id, 'npm');
    const poetry = '[tool.poetry]\nname = "docs"\npackage-mode = false\n';
    assert.equal((await detectEcosystem('.', memoryFiles({ 'package.json': pkg, 'pyproject.toml': poetry })))!.adapter.id, 'npm');
    // package = true (or a package = false elsewhere) still claims the folder.
    const packaged = '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.uv]\npackage = true\n\n[tool.other]\npackage = false\n';
    await assert.rejects(detectEcosystem('.', memoryFiles({ 'package.json': pkg, 'pyproject.toml': packaged })), /npm \(package\.json\) and python \(pyproject\.toml\) both claim this folder/);
  });

  it('a Maven child whose version is only inherited', async () => {
    await refuses(maven, loadFixture('maven-plain'), 'core', 'InheritedVersion', /^core\/pom\.xml:7:14: this module has no <version> of its own; it inherits 3\.1\.0 from its parent\. Release the parent project/);
  });

  it('a version that cannot be written safely is refused before anything is edited', async () => {
    await assert.rejects(cargo.writeVersion('.', memoryFiles(loadFixture('cargo-single')), '1.0.0"\nevil = "x'), /is not a version that can be written/);
  });
});
