import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import semver from 'semver';
import { manifestVersion, movedRange, readManifest, setLockfileRanges, setLockfileVersion, setManifestVersion } from '../../../src/core/versioning/manifest';

const err = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SdlcError, String(e));
  assert.equal(e.code, code);
  assert.equal(e.usage, true);
  if (message) assert.match(e.message, message);
  return true;
};

describe('versioning/manifest', () => {
  it('changes only the version: indentation, key order, final newline kept', () => {
    const text = '{\n    "name": "x",\n    "version": "1.2.3",\n    "scripts": { "a": "b" },\n    "z": [1,2]\n}\n';
    assert.equal(setManifestVersion(text, '1.3.0'), text.replace('1.2.3', '1.3.0'));
    const tabs = '{\n\t"version": "1.2.3",\n\t"name": "x"\n}';
    assert.equal(setManifestVersion(tabs, '2.0.0'), tabs.replace('1.2.3', '2.0.0'));
    const crlf = '{\r\n  "name": "x",\r\n  "version": "0.1.0"\r\n}\r\n';
    assert.equal(setManifestVersion(crlf, '0.2.0'), crlf.replace('0.1.0', '0.2.0'));
  });

  it('adds a missing version after the name', () => {
    const out = setManifestVersion('{\n  "name": "x",\n  "private": true\n}\n', '1.0.0');
    assert.equal(out, '{\n  "name": "x",\n  "version": "1.0.0",\n  "private": true\n}\n');
  });

  it('updates both versions of a lockfile and nothing else', () => {
    const lock = JSON.stringify({ name: 'x', version: '1.2.3', lockfileVersion: 3, packages: { '': { name: 'x', version: '1.2.3' }, 'node_modules/y': { version: '1.2.3' } } }, null, 2) + '\n';
    const out = JSON.parse(setLockfileVersion(lock, '1.3.0'));
    assert.equal(out.version, '1.3.0');
    assert.equal(out.packages[''].version, '1.3.0');
    assert.equal(out.packages['node_modules/y'].version, '1.2.3');
    assert.ok(setLockfileVersion(lock, '1.3.0').endsWith('}\n'));
  });

  it('invalid JSON → error with line and column', () => {
    assert.throws(() => setManifestVersion('{\n  "name": "x",\n  "version": "1.0.0",,\n}', '1.0.1'), err('InvalidJson', /^package\.json:3:22: not valid JSON \(property name expected\)/));
    assert.throws(() => readManifest('[1]', 'a/package.json'), err('InvalidJson', /a\/package\.json:1:1: expected a JSON object/));
    assert.throws(() => readManifest('{ // c\n}'), err('InvalidJson', /:1:3:/));
  });

  it('an invalid or missing current version is a clear error', () => {
    assert.throws(() => manifestVersion('{"version": "1.2"}'), err('InvalidVersion', /"1\.2" is not a semantic version/));
    assert.throws(() => manifestVersion('{"version": 1}'), err('InvalidVersion'));
    assert.throws(() => manifestVersion('{"name": "x"}'), err('MissingVersion'));
    assert.equal(manifestVersion('{"version": "1.2.3-rc.1"}'), '1.2.3-rc.1');
  });

  it('reads name, private and workspaces', () => {
    assert.deepEqual(readManifest('{"name":"@a/b","private":true,"workspaces":["packages/*"]}'), { name: '@a/b', version: null, private: true, workspaces: ['packages/*'] });
    assert.deepEqual(readManifest('{"workspaces":{"packages":["p/*"]}}').workspaces, ['p/*']);
  });

  it('property: only the version value changes', () => {
    const value = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 6 }), fc.constantFrom(0, 2, 4, '\t'), (obj, indent) => {
        const o = { version: '1.0.0', ...obj } as Record<string, unknown>;
        o.version = '1.0.0';
        const text = JSON.stringify(o, null, indent) + '\n';
        const out = setManifestVersion(text, '1.0.1');
        assert.equal(out, text.replace('"version":' + (indent === 0 ? '' : ' ') + '"1.0.0"', '"version":' + (indent === 0 ? '' : ' ') + '"1.0.1"'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('versioning/manifest: BOM, duplicate keys, indentation of an inserted version (issue 8)', () => {
  const BOM = '\uFEFF';

  it('a UTF-8 BOM is accepted, kept first, and the edit is made after it', () => {
    const text = `${BOM}{\n  "name": "app",\n  "version": "1.2.3"\n}\n`;
    assert.equal(readManifest(text).name, 'app');
    assert.equal(manifestVersion(text), '1.2.3');
    assert.equal(setManifestVersion(text, '1.3.0'), `${BOM}{\n  "name": "app",\n  "version": "1.3.0"\n}\n`);
    assert.equal(setLockfileVersion(`${BOM}{\n  "version": "1.2.3"\n}\n`, '2.0.0'), `${BOM}{\n  "version": "2.0.0"\n}\n`);
  });

  it('duplicate "version" (or "name") keys are refused with file:line:column of the second one', () => {
    const text = '{\n  "name": "app",\n  "version": "1.0.0",\n  "version": "2.0.0"\n}\n';
    assert.throws(() => manifestVersion(text, 'pkg/package.json'), err('DuplicateKey', /^pkg\/package\.json:4:3: "version" appears twice/));
    assert.throws(() => setManifestVersion(text, '3.0.0'), err('DuplicateKey'));
    assert.throws(() => readManifest('{"name":"a","name":"b","version":"1.0.0"}'), err('DuplicateKey', /package\.json:1:13: "name"/));
    // Keys the tool does not read may repeat (npm's business).
    assert.equal(manifestVersion('{"x":1,"x":2,"version":"1.0.0"}'), '1.0.0');
  });

  it('inserting a missing version keeps tab and 4-space indentation, after "name"', () => {
    assert.equal(setManifestVersion('{\n\t"name": "app",\n\t"private": true\n}\n', '1.0.0'), '{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"private": true\n}\n');
    assert.equal(setManifestVersion('{\n    "name": "app",\n    "private": true\n}\n', '1.0.0'), '{\n    "name": "app",\n    "version": "1.0.0",\n    "private": true\n}\n');
    assert.equal(setManifestVersion('{\r\n    "name": "app"\r\n}\r\n', '1.0.0'), '{\r\n    "name": "app",\r\n    "version": "1.0.0"\r\n}\r\n');
  });
});

describe('versioning/manifest: ranges on a workspace package that moves', () => {
  it('movedRange: plain ranges linked to the current version follow; workspace:, published and complex ranges stay', () => {
    assert.deepEqual(
      [['^1.4.0', '1.4.0'], ['~1.4.0', '1.4.0'], ['1.4.0', '1.4.0'], ['workspace:^1.4.0', '1.4.0'], ['^0.9.0', '1.4.0'], ['>=1.0.0 <2.0.0', '1.4.0'], ['*', '1.4.0'], ['^1.4.0', null]].map(([r, from]) => movedRange(r!, from, '1.5.0')),
      ['^1.5.0', '~1.5.0', '1.5.0', null, null, null, null, '^1.5.0'],
    );
  });

  it('property: a moved range (^, ~, exact, >=) allows the new version and keeps its operator', () => {
    const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(version, fc.constantFrom('^', '~', '', '>='), fc.constantFrom('patch', 'minor', 'major' as const), (from, op, type) => {
        const to = semver.inc(from, type)!;
        const moved = movedRange(`${op}${from}`, from, to);
        assert.equal(moved, `${op}${to}`);
        assert.ok(semver.satisfies(to, moved!));
      }),
    );
  });

  it('setLockfileRanges: the ranges recorded for workspace entries follow, node_modules entries and published ranges stay, formatting kept', () => {
    const lock = '{\n\t"lockfileVersion": 3,\n\t"packages": {\n\t\t"": { "name": "r", "devDependencies": { "a": "^1.0.0" } },\n\t\t"packages/b": {\n\t\t\t"version": "2.0.0",\n\t\t\t"dependencies": { "a": "~1.0.0" }\n\t\t},\n\t\t"packages/c": { "version": "1.0.0", "peerDependencies": { "a": "^0.5.0" } },\n\t\t"packages/c/node_modules/a": { "version": "0.5.3" },\n\t\t"node_modules/x": { "version": "1.0.0", "dependencies": { "a": "^1.0.0" } }\n\t}\n}\n';
    const after = setLockfileRanges(lock, new Map([['a', { from: '1.0.0', to: '1.1.0' }]]));
    assert.equal(after, lock.replace('"a": "^1.0.0" } },', '"a": "^1.1.0" } },').replace('"a": "~1.0.0"', '"a": "~1.1.0"'));
  });
});
