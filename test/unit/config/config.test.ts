import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertValidConfig, formatProblem, loadConfig, MAX_NESTING, validateConfigText, type ConfigProblem } from '../../../src/core/config/config';
import { SdlcError } from '../../../src/core/errors';

const brief = (problems: ConfigProblem[]) => problems.map((p) => `${p.severity} ${p.line}:${p.column} ${p.path}`);

describe('config (.sdlc.json)', () => {
  const designExample = `{
  "packages": ["."],                        // or ["packages/*"] in a monorepo
  "versioning": { "tagFormat": "v\${version}", "changelog": "CHANGELOG.md", "preset": "conventional" },
  "tests": [
    { "name": "unit", "kind": "unit", "command": "npm run test:unit -- --reporter json", "report": { "format": "mocha-json" } },
    { "name": "api",  "kind": "integration", "command": "npm run test:api", "report": { "format": "junit", "path": "reports/api.xml" } },
  ],
  /* block comments too */
  "packageTargets": [ { "name": "npm", "command": "npm pack --json", "artifacts": "*.tgz" } ],
  "environments": [
    { "name": "staging", "deploy": { "workflow": "deploy.yml", "inputs": { "environment": "staging" } }, "health": "https://staging.example.com/healthz" },
    { "name": "production", "protected": true, "strategy": { "type": "phased", "waves": ["eu-1", "us-1", "ap-1"], "gate": { "health": true, "approval": true } } }
  ],
  "audit": { "path": "ops/audit.jsonl" },
}`;

  it('accepts the example of the design, with comments and trailing commas', () => {
    const { config, problems } = validateConfigText(designExample);
    assert.deepEqual(problems, []);
    assert.deepEqual(config.packages, ['.']);
    assert.equal(config.tests?.[1].report?.path, 'reports/api.xml');
    assert.equal(config.environments?.[1].strategy?.type, 'phased');
    assert.deepEqual(config.environments?.[0].deploy?.inputs, { environment: 'staging' });
    assert.equal(config.audit?.path, 'ops/audit.jsonl');
  });

  describe('parse errors', () => {
    let dir: string;
    beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-config-'))));
    afterEach(() => fs.rm(dir, { recursive: true, force: true }));

    it('fail loading with InvalidConfig (usage) naming file:line:column', async () => {
      await fs.writeFile(path.join(dir, '.sdlc.json'), '{\n  "packages": ["."]\n  "tests": []\n}\n');
      await assert.rejects(loadConfig(dir), (e: unknown) => {
        assert.ok(e instanceof SdlcError);
        assert.equal(e.code, 'InvalidConfig');
        assert.equal(e.usage, true);
        assert.equal(e.message, `${path.join(dir, '.sdlc.json')}:3:3: comma expected`);
        return true;
      });
    });

    it('are reported with positions by validateConfigText', () => {
      const { problems } = validateConfigText('{ "packages": [".",, ] }');
      assert.ok(problems.length >= 1);
      assert.equal(problems[0].line, 1);
      assert.equal(problems[0].column, 20);
      assert.equal(problems[0].syntax, true);
    });

    it('a missing file is no config and no problems', async () => {
      assert.deepEqual(await loadConfig(dir), { config: {}, file: null, problems: [] });
    });

    it('loads a file with warnings and returns them', async () => {
      await fs.writeFile(path.join(dir, '.sdlc.json'), '\ufeff{ "packges": [] }');
      const loaded = await loadConfig(dir);
      assert.equal(loaded.file, path.join(dir, '.sdlc.json'));
      assert.deepEqual(brief(loaded.problems), ['warning 1:3 packges']);
      assert.match(loaded.problems[0].message, /did you mean "packages"/);
      assert.deepEqual(assertValidConfig(loaded), {});
    });
  });

  describe('shape problems, each with its position and path', () => {
    /** `severity line:column path`, the position being that of `needle` (its nth occurrence) in the text. */
    const at = (text: string, severity: string, needle: string, path: string, nth = 0) => {
      let offset = -1;
      for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
      assert.ok(offset >= 0, `needle ${needle} in ${text}`);
      const before = text.slice(0, offset).split('\n');
      return `${severity} ${before.length}:${before[before.length - 1].length + 1} ${path}`;
    };
    type Expect = [severity: 'error' | 'warning', needle: string, path: string, nth?: number];
    const cases: Array<{ title: string; text: string; expect: Expect[]; message?: RegExp }> = [
      { title: 'root not an object', text: '[1]', expect: [['error', '[', '']], message: /expected an object, got an array/ },
      { title: 'packages not an array', text: '{ "packages": "." }', expect: [['error', '"."', 'packages']], message: /expected an array, got the string "."/ },
      { title: 'package not a string', text: '{ "packages": [".", 3] }', expect: [['error', '3', 'packages[1]']], message: /expected a string, got 3/ },
      { title: 'tagFormat without ${version}', text: '{ "versioning": { "tagFormat": "v1" } }', expect: [['error', '"v1"', 'versioning.tagFormat']], message: /\$\{version\}/ },
      { title: 'changelog true', text: '{ "versioning": { "changelog": true } }', expect: [['error', 'true', 'versioning.changelog']], message: /expected false/ },
      { title: 'changelog number', text: '{ "versioning": { "changelog": 1 } }', expect: [['error', '1', 'versioning.changelog']], message: /a string or false/ },
      { title: 'tests not an array', text: '{ "tests": {} }', expect: [['error', '{}', 'tests']] },
      {
        title: 'wrong test kind',
        text: '{\n  "tests": [\n    { "name": "a", "kind": "unit", "command": "x" },\n    { "name": "b", "kind": "e2e", "command": "x" }\n  ]\n}',
        expect: [['error', '"e2e"', 'tests[1].kind']],
        message: /"e2e" is not one of "unit", "integration", "regression", "security", "acceptance"/,
      },
      { title: 'missing test command', text: '{ "tests": [ { "name": "a", "kind": "unit" } ] }', expect: [['error', '{ "name"', 'tests[0]']], message: /missing required key "command"/ },
      { title: 'empty test command', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": " " } ] }', expect: [['error', '" "', 'tests[0].command']], message: /must not be empty/ },
      { title: 'env value not a string', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": "x", "env": { "A": 1 } } ] }', expect: [['error', '1 }', 'tests[0].env.A']] },
      { title: 'timeout not a number', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": "x", "timeout": "10" } ] }', expect: [['error', '"10"', 'tests[0].timeout']] },
      { title: 'timeout below 1', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": "x", "timeout": 0 } ] }', expect: [['error', '0 }', 'tests[0].timeout']], message: /≥ 1/ },
      { title: 'report format', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": "x", "report": { "format": "xml" } } ] }', expect: [['error', '"xml"', 'tests[0].report.format']] },
      { title: 'duplicate test name', text: '{ "tests": [ { "name": "a", "kind": "unit", "command": "x" }, { "name": "a", "kind": "unit", "command": "y" } ] }', expect: [['error', '"a"', 'tests[1].name', 1]], message: /duplicate name "a"/ },
      { title: 'artifacts number', text: '{ "packageTargets": [ { "name": "n", "command": "c", "artifacts": 5 } ] }', expect: [['error', '5', 'packageTargets[0].artifacts']], message: /a string or an array of strings/ },
      { title: 'artifacts empty array', text: '{ "packageTargets": [ { "name": "n", "command": "c", "artifacts": [] } ] }', expect: [['error', '[]', 'packageTargets[0].artifacts']] },
      { title: 'protected not a boolean', text: '{ "environments": [ { "name": "p", "protected": "yes" } ] }', expect: [['error', '"yes"', 'environments[0].protected']], message: /true or false/ },
      { title: 'health not a URL', text: '{ "environments": [ { "name": "p", "health": "staging" } ] }', expect: [['error', '"staging"', 'environments[0].health']], message: /http\(s\) URL/ },
      { title: 'deploy without workflow', text: '{ "environments": [ { "name": "p", "deploy": {} } ] }', expect: [['error', '{}', 'environments[0].deploy']] },
      { title: 'input value an object', text: '{ "environments": [ { "name": "p", "deploy": { "workflow": "d.yml", "inputs": { "x": {} } } } ] }', expect: [['error', '{} }', 'environments[0].deploy.inputs.x']] },
      { title: 'strategy type', text: '{ "environments": [ { "name": "p", "strategy": { "type": "canary" } } ] }', expect: [['error', '"canary"', 'environments[0].strategy.type']] },
      { title: 'waves of numbers', text: '{ "environments": [ { "name": "p", "strategy": { "type": "phased", "waves": [1] } } ] }', expect: [['error', '1]', 'environments[0].strategy.waves[0]']] },
      { title: 'gate approval not a boolean', text: '{ "environments": [ { "name": "p", "strategy": { "type": "phased", "gate": { "approval": 1 } } } ] }', expect: [['error', '1 }', 'environments[0].strategy.gate.approval']] },
      { title: 'audit path null', text: '{ "audit": { "path": null } }', expect: [['error', 'null', 'audit.path']], message: /got null/ },
      {
        title: 'unknown keys are warnings',
        text: '{ "x": 1, "tests": [ { "name": "a", "kind": "unit", "command": "c", "extra": true } ] }',
        expect: [
          ['warning', '"x"', 'x'],
          ['warning', '"extra"', 'tests[0].extra'],
        ],
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const { problems } = validateConfigText(c.text);
        assert.deepEqual(brief(problems), c.expect.map(([severity, needle, path, nth]) => at(c.text, severity, needle, path, nth)), JSON.stringify(problems));
        if (c.message) assert.match(problems[0].message, c.message);
      });
    }

    it('reports every problem, and keeps only the valid parts', () => {
      const { config, problems } = validateConfigText(
        JSON.stringify({
          packages: ['.', 1],
          tests: [
            { name: 'ok', kind: 'unit', command: 'c' },
            { name: 'bad', kind: 'nope', command: 'c' },
          ],
          environments: [{ name: 'e', protected: 'x', health: 'https://h/' }],
        }),
      );
      assert.equal(problems.filter((p) => p.severity === 'error').length, 3);
      assert.deepEqual(config, { packages: ['.'], tests: [{ name: 'ok', kind: 'unit', command: 'c' }], environments: [{ name: 'e', health: 'https://h/' }] });
    });

    it('assertValidConfig fails with the first error positioned and a count of the rest', () => {
      const text = '{ "packages": 1, "tests": 2 }';
      const { config, problems } = validateConfigText(text);
      assert.throws(
        () => assertValidConfig({ config, problems, file: '/r/.sdlc.json' }),
        (e: unknown) => e instanceof SdlcError && e.code === 'InvalidConfig' && e.usage && e.message === '/r/.sdlc.json:1:15: expected an array, got 1 (at packages) (and 1 more problem)',
      );
    });

    it('formatProblem gives file:line:column', () => {
      const [p] = validateConfigText('{\n "tests": 1 }').problems;
      assert.equal(formatProblem('/r/.sdlc.json', p), '/r/.sdlc.json:2:11: expected an array, got 1 (at tests)');
    });
  });
  describe('positions at the start of a line, and deep nesting (issue 8)', () => {
    it('a problem at column 1 is reported at column 1 of its own line (not past the end of the line before)', () => {
      const text = '{\n"packges": [],\n  "tests": {}\n}';
      assert.deepEqual(brief(validateConfigText(text).problems), ['warning 2:1 packges', 'error 3:12 tests']);
      const syntax = validateConfigText('{\n  "packages": ["."]\n"tests": []\n}').problems;
      assert.deepEqual([syntax[0].line, syntax[0].column, syntax[0].syntax], [3, 1, true]);
      const first = validateConfigText('x').problems[0];
      assert.deepEqual([first.line, first.column], [1, 1]);
    });

    it('file:line:column of a problem at column 1', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-config-'));
      try {
        await fs.writeFile(path.join(dir, '.sdlc.json'), '{\n"audit": 1\n}');
        const loaded = await loadConfig(dir);
        assert.throws(() => assertValidConfig(loaded), (e: unknown) => e instanceof SdlcError && e.message.startsWith(`${path.join(dir, '.sdlc.json')}:2:10: expected an object`));
        await fs.writeFile(path.join(dir, '.sdlc.json'), '{\n"audit": {}\n"x": 1}');
        await assert.rejects(loadConfig(dir), (e: unknown) => e instanceof SdlcError && e.message === `${path.join(dir, '.sdlc.json')}:3:1: comma expected`);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('nesting deeper than MAX_NESTING is a syntax problem at the bracket that goes too deep; 64 levels are fine', () => {
      const nested = (levels: number) => `{"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
      assert.ok(!validateConfigText(nested(MAX_NESTING)).problems.some((p) => p.syntax));
      const deep = validateConfigText(nested(5000));
      assert.equal(deep.problems.length, 1);
      assert.deepEqual([deep.problems[0].line, deep.problems[0].column, deep.problems[0].syntax], [1, 5 + MAX_NESTING, true]);
      assert.match(deep.problems[0].message, /nested deeper than 64 levels/);
      // Brackets inside strings and comments do not count.
      assert.ok(!validateConfigText(`{"x": "${'['.repeat(5000)}" /* ${'{'.repeat(5000)} */}`).problems.some((p) => p.syntax));
    });

    it('a 5,000-level .sdlc.json fails loading with InvalidConfig (usage), not a stack overflow', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-config-'));
      try {
        await fs.writeFile(path.join(dir, '.sdlc.json'), `{"tests":${'['.repeat(5000)}${']'.repeat(5000)}}`);
        await assert.rejects(loadConfig(dir), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidConfig' && e.usage);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
});
