import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { detectSuites, guessKind, kindOf, runnableSuites, topLevelSuites, type TestKind, type TestSuite } from '../../../src/core/testing/suite';

const ROOT = path.resolve(__dirname, '../../..');

describe('testing/suite', () => {
  it('guesses the kind from the name (the words of issue 10 and a few more)', () => {
    const cases: Record<string, TestKind> = {
      test: 'unit',
      'test:unit': 'unit',
      'test:components': 'unit',
      'test:e2e': 'acceptance',
      'test:ui': 'acceptance',
      'test:acceptance': 'acceptance',
      'test:browser': 'acceptance',
      'test:playwright': 'acceptance',
      'test:cypress': 'acceptance',
      'test:extension': 'acceptance',
      'test:electron': 'acceptance',
      testE2E: 'acceptance',
      'test:integration': 'integration',
      'test:int': 'integration',
      'test-api': 'integration',
      'test:contract': 'integration',
      'test:security': 'security',
      'audit:test': 'security',
      'test:snyk': 'security',
      'test:zap': 'security',
      'test:semgrep': 'security',
      'test:regression': 'regression',
      'test:snapshot': 'regression',
      'test:visual': 'regression',
      // the first kind in the order acceptance, security, regression, integration wins
      'test:api:e2e': 'acceptance',
      // a word inside another word does not count
      'test:guide': 'unit',
      'test:interop': 'unit',
    };
    for (const [name, kind] of Object.entries(cases)) assert.equal(guessKind(name), kind, name);
  });

  it('guesses from the command when the name says nothing, and says why', () => {
    assert.deepEqual(kindOf('test', 'playwright test'), { kind: 'acceptance', reason: 'its command has "playwright"' });
    assert.deepEqual(kindOf('test:browser', 'mocha'), { kind: 'acceptance', reason: 'the name "test:browser" has "browser"' });
    assert.equal(kindOf('check:test', 'cypress run --spec x').kind, 'acceptance');
    assert.equal(kindOf('test:all', 'npm audit --omit dev').kind, 'security');
    assert.equal(kindOf('test:x', 'mocha --config test/integration/.mocharc.json').kind, 'integration');
    assert.equal(kindOf('test:x', 'node esbuild.mjs && node test/harness/run-extension-tests.mjs').kind, 'acceptance');
    // options are not words of the command: mocha's --ui is not a UI test; "it" and "int" only count in names
    assert.deepEqual(kindOf('test', 'mocha --ui bdd'), { kind: 'unit', reason: 'nothing in its name or command names another kind' });
    assert.equal(kindOf('test', 'jest src/it/int.test.js').kind, 'unit');
    assert.equal(kindOf('test:it').kind, 'integration');
  });

  it('property: a kind word as a segment of the name decides the kind, whatever the command says', () => {
    const kinds: Array<[string, TestKind]> = [['e2e', 'acceptance'], ['playwright', 'acceptance'], ['api', 'integration'], ['contract', 'integration'], ['semgrep', 'security'], ['visual', 'regression']];
    const filler = fc.constantFrom('test', 'tests', 'check', 'smoke', 'all', 'ci', 'node', 'web');
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.array(filler, { maxLength: 3 }), fc.array(filler, { maxLength: 3 }), fc.constantFrom(':', '-', '_', '.'), fc.string({ maxLength: 40 }), ([word, kind], before, after, sep, command) => {
        const name = [...before, word, ...after].join(sep);
        const r = kindOf(name, command);
        assert.equal(r.kind, kind, name);
        assert.equal(r.reason, `the name "${name}" has "${word}"`);
      }),
    );
  });

  describe('detectSuites', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-detect-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });
    const write = (scripts: Record<string, string>, prefix = '') => fs.writeFile(path.join(dir, 'package.json'), prefix + JSON.stringify({ name: 'x', scripts }, null, 2));

    it('finds test scripts, leaves out watch/coverage variants, adds a reporter for mocha and node --test', async () => {
      await write({
        build: 'tsc',
        test: 'mocha',
        'test:unit': 'node --test',
        'test:integration': 'node --test test/integration',
        'test:e2e': 'playwright test',
        'test:watch': 'mocha --watch',
        'test:coverage': 'c8 mocha',
        'security:test': 'npm audit',
        pretest: 'npm run build',
        'test:api': 'mocha --reporter spec',
      });
      const suites = await detectSuites(dir);
      assert.deepEqual(
        suites.map((s) => [s.name, s.kind, (s.command as string[]).join(' '), s.report?.format ?? null]),
        [
          ['test', 'unit', 'npm test --silent -- --reporter json', 'mocha-json'],
          ['test:unit', 'unit', 'npm run test:unit --silent -- --test-reporter=tap', 'tap'],
          ['test:integration', 'integration', 'npm run test:integration --silent', null],
          ['test:e2e', 'acceptance', 'npm run test:e2e --silent', null],
          ['security:test', 'security', 'npm run security:test --silent', null],
          ['test:api', 'integration', 'npm run test:api --silent', null],
        ],
      );
      assert.ok(suites.every((s) => s.cwd === dir && s.origin === 'detected' && s.group === undefined && s.kindReason));
    });

    it('mocha behind c8 / nyc / cross-env writes its JSON report to a file (the coverage table owns stdout)', async () => {
      await write({
        test: 'c8 mocha --enable-source-maps ./test/*.mjs --require ./test/before.mjs --timeout=24000',
        'test:esm': 'cross-env NODE_ENV=test nyc --exclude dist --silent mocha test/esm',
        'test:tool': 'c8 node tool.js',
        'test:own': 'c8 mocha --reporter spec',
      });
      const suites = await detectSuites(dir);
      assert.deepEqual(
        suites.map((s) => [s.name, (s.command as string[]).join(' '), s.report ?? null]),
        [
          ['test', 'npm test --silent -- --reporter json --reporter-option output=node_modules/.cache/sdlc/reports/test.json', { format: 'mocha-json', path: 'node_modules/.cache/sdlc/reports/test.json' }],
          ['test:esm', 'npm run test:esm --silent -- --reporter json --reporter-option output=node_modules/.cache/sdlc/reports/test_esm.json', { format: 'mocha-json', path: 'node_modules/.cache/sdlc/reports/test_esm.json' }],
          ['test:tool', 'npm run test:tool --silent', null],
          ['test:own', 'npm run test:own --silent', null],
        ],
      );
    });

    it('no package.json → no suites; invalid JSON → a clear error', async () => {
      assert.deepEqual(await detectSuites(dir), []);
      await fs.writeFile(path.join(dir, 'package.json'), '{ nope');
      await assert.rejects(detectSuites(dir), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidPackageJson' && e.usage);
    });

    it('accepts a package.json with a UTF-8 byte order mark, as npm does (issue 8, 15)', async () => {
      await write({ test: 'mocha', 'test:e2e': 'playwright test' }, '\uFEFF');
      assert.deepEqual((await detectSuites(dir)).map((s) => s.name), ['test', 'test:e2e']);
    });

    /** name → [parts, partsOnly] of each group, and the names Run All runs. */
    async function groups(scripts: Record<string, string>, files: Record<string, string> = {}) {
      await write(scripts);
      for (const [file, text] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await fs.writeFile(path.join(dir, file), text);
      }
      const suites = await detectSuites(dir);
      const found: Record<string, [string[], boolean]> = {};
      for (const s of suites) if (s.group) found[s.name] = [s.group.parts, s.group.partsOnly];
      return { found, runAll: runnableSuites(suites).map((s) => s.name), top: topLevelSuites(suites).map((s) => s.name), suites };
    }

    it('a script that runs other test scripts with npm / yarn / pnpm is the group of its parts; Run All runs each once', async () => {
      const r = await groups({
        test: 'npm run test:unit && npm run test:integration',
        'test:unit': 'mocha',
        'test:integration': 'mocha test/int',
        'test:e2e': 'playwright test',
      });
      assert.deepEqual(r.found, { test: [['test:unit', 'test:integration'], true] });
      assert.deepEqual(r.runAll, ['test:unit', 'test:integration', 'test:e2e']);
      assert.deepEqual(r.top, ['test', 'test:e2e']);
      assert.match(r.suites[0].kindReason ?? '', /runs test:unit, test:integration \(npm run\)/);
      const y = await groups({ 'test:ci': 'yarn test:unit; pnpm run test:api', 'test:unit': 'jest', 'test:api': 'jest api', 'test:all': 'npm test' , test: 'jest' });
      assert.deepEqual(y.found, { 'test:ci': [['test:unit', 'test:api'], true], 'test:all': [['test'], true] });
      assert.deepEqual(y.runAll, ['test:unit', 'test:api', 'test']);
    });

    it('npm-run-all / run-s / run-p with globs, concurrently, turbo and nx', async () => {
      const scripts = { 'test:unit': 'mocha', 'test:api': 'mocha api', 'test:e2e:chrome': 'playwright test', 'test:watch': 'mocha -w' };
      const cases: Array<[string, string[]]> = [
        ['run-s test:*', ['test:unit', 'test:api']],
        ['run-p --aggregate-output "test:**"', ['test:unit', 'test:api', 'test:e2e:chrome']],
        ['npm-run-all --parallel test:unit "test:api -- --bail"', ['test:unit', 'test:api']],
        ['concurrently "npm:test:*"', ['test:unit', 'test:api']],
        ['concurrently -n unit,api -c blue,green "npm run test:unit" "yarn test:api"', ['test:unit', 'test:api']],
        ['turbo run test:unit test:api --filter=./apps/*', ['test:unit', 'test:api']],
        ['nx run-many -t test:unit,test:e2e:chrome --parallel 2', ['test:unit', 'test:e2e:chrome']],
        ['tsc -p . && npm run lint && run-s test:unit', ['test:unit']],
        ['cross-env CI=1 npm run test:api', ['test:api']],
      ];
      for (const [body, parts] of cases) {
        const r = await groups({ ...scripts, lint: 'eslint .', test: body });
        assert.deepEqual(r.found.test, [parts, true], body);
        assert.ok(!r.runAll.includes('test') && new Set(r.runAll).size === r.runAll.length, body);
      }
    });

    it('a script that runs its parts and other tests runs as a suite; its parts are left out of Run All', async () => {
      const r = await groups({ test: 'npm run test:unit && mocha test/other', 'test:unit': 'mocha', 'test:e2e': 'playwright test' });
      assert.deepEqual(r.found, { test: [['test:unit'], false] });
      assert.deepEqual(r.runAll, ['test', 'test:e2e']);
      assert.deepEqual(r.top, ['test', 'test:unit', 'test:e2e']);
      // turbo tasks that are no root script run in the workspace packages: more than the parts.
      const t = await groups({ test: 'turbo run test test:unit', 'test:unit': 'mocha' });
      assert.deepEqual(t.found, { test: [['test:unit'], false] });
    });

    it('a harness file is a group of the scripts it names (by name, or by every path of their commands); comments do not count', async () => {
      const harness = [
        '#!/usr/bin/env node',
        "// also runs 'test:e2e' one day — a comment, not a run",
        '/* npm run test:smoke */',
        "const layers = [['mocha', '--config', 'test/unit/.mocharc.json'], ['npm', 'run', 'test:api']];",
        "const url = 'https://example.com/x'; // test/visual/cfg.js",
      ].join('\n');
      const r = await groups(
        {
          test: 'node scripts/run-all.mjs',
          'test:unit': 'mocha --config test/unit/.mocharc.json',
          'test:api': 'mocha api',
          'test:e2e': 'playwright test',
          'test:smoke': 'mocha smoke',
          'test:visual': 'node test/visual/run.js --config=test/visual/cfg.js',
        },
        { 'scripts/run-all.mjs': harness },
      );
      assert.deepEqual(r.found, { test: [['test:unit', 'test:api'], true] });
      assert.deepEqual(r.runAll, ['test:unit', 'test:api', 'test:e2e', 'test:smoke', 'test:visual']);
      assert.match(r.suites[0].kindReason ?? '', /the harness scripts\/run-all\.mjs/);
    });

    it('a harness outside the repository or missing is not read; two harnesses naming each other are not groups of each other', async () => {
      const r = await groups({ test: 'node ../outside.mjs', 'test:unit': 'mocha', 'test:x': 'node missing.mjs' });
      assert.deepEqual(r.found, {});
      const c = await groups({ 'test:a': 'node a.mjs', 'test:b': 'node b.mjs', 'test:c': 'mocha' }, { 'a.mjs': "run('test:b'); run('test:c')", 'b.mjs': "run('test:a')" });
      assert.deepEqual(c.found, { 'test:a': [['test:c'], true] });
      assert.deepEqual(c.runAll.sort(), ['test:b', 'test:c']);
    });

    it("this project: `test` (test/harness/run-all.mjs) is the group of unit, integration, extension and ui; Run All runs each suite once", async () => {
      const suites = await detectSuites(ROOT);
      const test = suites.find((s) => s.name === 'test');
      assert.deepEqual(test?.group, { parts: ['test:unit', 'test:integration', 'test:extension', 'test:ui'], via: 'the harness test/harness/run-all.mjs', partsOnly: true });
      assert.deepEqual(
        runnableSuites(suites).map((s) => `${s.name}:${s.kind}`),
        ['test:unit:unit', 'test:integration:integration', 'test:extension:acceptance', 'test:ui:acceptance', 'test:electron:acceptance'],
      );
      assert.deepEqual(topLevelSuites(suites).map((s) => s.name), ['test', 'test:electron']);
    });
  });

  describe('runnableSuites', () => {
    const suite = (name: string, group?: TestSuite['group']): TestSuite => ({ name, kind: 'unit', command: ['x'], cwd: '/', ...(group ? { group } : {}) });

    it('runs a chosen group as its parts, groups in groups too, and a chosen part alone', () => {
      const all = [suite('test', { parts: ['test:all'], via: 'npm test', partsOnly: true }), suite('test:all', { parts: ['a', 'b'], via: 'run-s', partsOnly: true }), suite('a'), suite('b'), suite('c')];
      assert.deepEqual(runnableSuites(all).map((s) => s.name), ['a', 'b', 'c']);
      assert.deepEqual(runnableSuites(all, [all[0]]).map((s) => s.name), ['a', 'b']);
      assert.deepEqual(runnableSuites(all, [all[3]]).map((s) => s.name), ['b']);
    });

    it('property: every test runs once — no name twice, no group that only runs parts, every chosen suite ran or is inside one that ran', () => {
      const names = ['s0', 's1', 's2', 's3', 's4', 's5'];
      const arbSuite = (name: string) =>
        fc.option(fc.record({ parts: fc.subarray(names.filter((n) => n !== name)), partsOnly: fc.boolean() }), { nil: undefined }).map((g) => suite(name, g && g.parts.length ? { ...g, via: 'npm run' } : undefined));
      fc.assert(
        fc.property(fc.tuple(...names.map(arbSuite)), fc.subarray(names, { minLength: 1 }), (all, chosenNames) => {
          const chosen = all.filter((s) => chosenNames.includes(s.name));
          const out = runnableSuites(all, chosen);
          const ran = out.map((s) => s.name);
          assert.equal(new Set(ran).size, ran.length);
          assert.ok(out.every((s) => !s.group?.partsOnly));
          const byName = new Map(all.map((s) => [s.name, s]));
          // What runs, counting what the suites that run run inside them.
          const covered = new Set<string>();
          const cover = (n: string) => {
            if (covered.has(n)) return;
            covered.add(n);
            for (const p of byName.get(n)?.group?.parts ?? []) cover(p);
          };
          ran.forEach(cover);
          // A suite that runs inside another one that runs is not run again on its own.
          for (const s of out) for (const p of s.group?.parts ?? []) assert.ok(!ran.includes(p) || p === s.name, `${p} runs inside ${s.name} and again`);
          // Every chosen suite that is not a pure group ran, or ran inside one that did.
          for (const s of chosen) if (!s.group?.partsOnly) assert.ok(covered.has(s.name), `${s.name} did not run`);
        }),
        { numRuns: 500 },
      );
    });
  });
});
