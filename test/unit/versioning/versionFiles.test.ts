import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { dependencyRanges, setDependencyVersion, setLockfileWorkspaceVersion, updateRange } from '../../../src/core/versioning/manifest';
import { owningPackage } from '../../../src/core/versioning/monorepo';
import { compileVersionPattern, setFileVersion } from '../../../src/core/versioning/versionFiles';

const semverArb = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`);
const usage = (code: string) => (e: unknown) => e instanceof SdlcError && e.code === code && e.usage;

describe('versioning/versionFiles: a regex with one group holds the version', () => {
  it('replaces every match, keeps every other byte, reports what it found', () => {
    const text = "// v\r\nexport const VERSION = '1.2.3';\r\nconst again = 'VERSION = \\'1.2.3\\'';\nexport const VERSION = '1.2.3';\n";
    const { text: out, found } = setFileVersion(text, "VERSION = '([^']+)'", '1.3.0', 'src/version.ts');
    assert.equal(out, text.replace("VERSION = '1.2.3';\r\n", "VERSION = '1.3.0';\r\n").replace(/VERSION = '1\.2\.3';\n$/, "VERSION = '1.3.0';\n"));
    assert.deepEqual(found, ['1.2.3', '1.2.3']);
  });

  it('the version group is replaced even when the match has text around it', () => {
    assert.equal(setFileVersion('<version>0.9.0</version>', '<version>(\\d+\\.\\d+\\.\\d+)</version>', '1.0.0', 'pom.xml').text, '<version>1.0.0</version>');
  });

  it('bad patterns and no match are usage errors', () => {
    assert.throws(() => compileVersionPattern('(', 'a'), usage('InvalidVersionFile'));
    assert.throws(() => compileVersionPattern('VERSION', 'a'), (e: unknown) => usage('InvalidVersionFile')(e) && /has 0/.test((e as Error).message));
    assert.throws(() => compileVersionPattern('(a)(b)', 'a'), (e: unknown) => usage('InvalidVersionFile')(e) && /has 2/.test((e as Error).message));
    assert.doesNotThrow(() => compileVersionPattern('(?:v)(\\d+\\.\\d+\\.\\d+)', 'a'));
    assert.throws(() => setFileVersion('nothing here', 'version: (\\S+)', '1.0.0', 'x.yml'), usage('VersionNotFound'));
  });

  it('property: only the version changes; the text before and after it stays byte for byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), semverArb, semverArb, (head, tail, cur, next) => {
        fc.pre(!head.includes('@version ') && !tail.includes('@version '));
        const text = `${head}\n@version ${cur}\n${tail}`;
        const out = setFileVersion(text, '^@version (\\S+)$', next, 'f').text;
        assert.equal(out, `${head}\n@version ${next}\n${tail}`);
      }),
    );
  });
});

describe('versioning/manifest: internal dependency ranges', () => {
  it('keeps the operator and prefixes; leaves ranges it does not understand', () => {
    const cases: Array<[string, string | null]> = [
      ['^1.2.0', '^2.0.0'],
      ['~1.2.0', '~2.0.0'],
      ['>=1.2.0', '>=2.0.0'],
      ['1.2.0', '2.0.0'],
      ['workspace:^1.2.0', 'workspace:^2.0.0'],
      ['npm:@acme/core@^1.2.0', 'npm:@acme/core@^2.0.0'],
      ['*', null],
      ['workspace:*', null],
      ['1.x', null],
      ['^1.0.0 || ^2.0.0', null],
      ['file:../core', null],
    ];
    for (const [range, expected] of cases) assert.equal(updateRange(range, '2.0.0'), expected, range);
  });

  it('edits every dependency field format-preserving, and nothing else', () => {
    const text = '{\n\t"name": "ui",\n\t"dependencies": { "core": "^1.0.0", "x": "^1.0.0" },\n\t"peerDependencies": {\n\t\t"core": "~1.0.0"\n\t}\n}';
    const out = setDependencyVersion(text, 'core', '1.1.0');
    assert.equal(out, text.replace('"core": "^1.0.0"', '"core": "^1.1.0"').replace('"core": "~1.0.0"', '"core": "~1.1.0"'));
    assert.equal(setDependencyVersion(text, 'other', '1.1.0'), text);
    assert.deepEqual([...new Set(dependencyRanges(text).map((d) => d.name))].sort(), ['core', 'x']);
  });

  it('workspace lockfile entries', () => {
    const lock = '{\n  "packages": {\n    "": { "name": "root" },\n    "packages/a": {\n      "name": "a",\n      "version": "1.0.0"\n    }\n  }\n}\n';
    assert.equal(setLockfileWorkspaceVersion(lock, 'packages/a', '1.1.0'), lock.replace('"1.0.0"', '"1.1.0"'));
    assert.equal(setLockfileWorkspaceVersion(lock, 'packages/b', '1.1.0'), lock);
  });

  it('property: a plain range keeps its operator and names the new version', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '^', '~', '>=', '=', 'workspace:', 'workspace:^'), semverArb, semverArb, (op, from, to) => {
        assert.equal(updateRange(`${op}${from}`, to), `${op}${to}`);
      }),
    );
  });
});

describe('versioning/monorepo: owningPackage', () => {
  it('the deepest package folder holding a file, else the root', () => {
    const dirs = ['.', 'packages/a', 'packages/a/nested', 'packages/ab'];
    assert.equal(owningPackage(dirs, 'packages/a/src/v.ts'), 'packages/a');
    assert.equal(owningPackage(dirs, 'packages/a/nested/v.ts'), 'packages/a/nested');
    assert.equal(owningPackage(dirs, 'packages/ab/v.ts'), 'packages/ab');
    assert.equal(owningPackage(dirs, 'src/v.ts'), '.');
    assert.equal(owningPackage(['packages/a'], 'src/v.ts'), null);
  });
});
