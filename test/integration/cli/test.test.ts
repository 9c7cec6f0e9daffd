// `sdlc test` through main(): real runs of the fixture projects (mocha, node:test, a shell script
// writing JUnit) in a real git repository, and parsing of the report fixtures.
import { strict as assert } from 'node:assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseError, projectRoot, runInProcess } from './cliRunner';
import { initRepo, removeDir, tempDir, writeFile } from './tempRepo';

const FIXTURES = path.join(projectRoot, 'test/fixtures/testing');
const MOCHA = path.join(projectRoot, 'node_modules/.bin/mocha');
const NODE = process.execPath;

interface SuiteJson {
  suite: string;
  kind: string;
  exitCode: number | null;
  error: { code: string; message: string } | null;
  passed: number;
  failed: number;
  skipped: number;
  tests: Array<{ name: string; status: string; suite: string[]; location?: { file: string; line: number } }>;
}
interface RunJson {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  cancelled: boolean;
  suites: SuiteJson[];
}

describe('sdlc test (integration, real runs)', function () {
  this.timeout(60000);
  let base: string;
  let repo: string;

  before(() => {
    base = tempDir();
    repo = initRepo(path.join(base, 'app'));
    for (const p of ['mocha', 'node-test', 'junit-script']) cpSync(path.join(FIXTURES, 'projects', p), path.join(repo, p), { recursive: true });
    writeFile(
      repo,
      '.sdlc.json',
      JSON.stringify(
        {
          tests: [
            { name: 'unit', kind: 'unit', command: `${MOCHA} --reporter json`, cwd: 'mocha', report: { format: 'mocha-json' } },
            { name: 'node', kind: 'integration', command: `${NODE} --test --test-reporter=tap calc.test.mjs`, cwd: 'node-test', report: { format: 'tap' } },
            { name: 'shell', kind: 'acceptance', command: 'sh write-junit.sh', cwd: 'junit-script', report: { format: 'junit', path: 'reports/junit.xml' } },
            { name: 'green', kind: 'security', command: `${NODE} -e 'process.exit(0)'` },
            { name: 'red', kind: 'regression', command: `${NODE} -e 'console.log("boom"); process.exit(3)'` },
          ],
        },
        null,
        2,
      ),
    );
  });

  after(() => removeDir(base));

  it('runs every suite, sums the counts and exits 1 when anything failed', async () => {
    const r = await runInProcess(['test', '--json', '--cwd', repo]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as RunJson;
    assert.deepEqual(doc.suites.map((s) => s.suite), ['unit', 'node', 'shell', 'green', 'red']);
    for (const key of ['passed', 'failed', 'skipped'] as const) {
      assert.equal(doc[key], doc.suites.reduce((n, s) => n + s[key], 0), key);
      for (const s of doc.suites) assert.equal(s[key], s.tests.filter((t) => t.status === key).length, `${s.suite} ${key}`);
    }
    const unit = doc.suites[0];
    assert.ok(unit.tests.some((t) => t.name === 'subtracts wrongly' && t.status === 'failed' && t.location?.line === 12), JSON.stringify(unit.tests));
    const node = doc.suites[1];
    assert.ok(node.tests.some((t) => t.name === 'adds wrongly' && t.status === 'failed'));
    assert.ok(node.tests.some((t) => t.name === 'ünïcödé ✓ name' && t.status === 'passed'));
    const shell = doc.suites[2];
    assert.deepEqual(shell.tests.map((t) => `${t.name}:${t.status}`), ['one:passed', 'two:failed', 'three:skipped']);
    assert.deepEqual([doc.suites[3].passed, doc.suites[3].failed], [1, 0]);
    assert.deepEqual([doc.suites[4].passed, doc.suites[4].failed], [0, 1]);
    assert.match(doc.suites[4].tests[0].name, /^red$/);
  });

  it('ends the text output with "N passed, N failed, N skipped"', async () => {
    const r = await runInProcess(['test', '--kind', 'acceptance', '--cwd', repo]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[lines.length - 1], '1 passed, 1 failed, 1 skipped');
    assert.equal(lines[0], '✗ shell (acceptance): 1 passed, 1 failed, 1 skipped [600 ms]');
    assert.match(lines[1], /^ {2}✗ shell › two \(.*junit-script\/checks\.sh:7\): two is not one$/);
  });

  it('exits 0 when the chosen suite passes, and leaves out "skipped" when there are none', async () => {
    const r = await runInProcess(['test', '--suite', 'green', '--cwd', repo]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').pop(), '1 passed, 0 failed');
  });

  it('runs only the suites of a kind', async () => {
    const r = await runInProcess(['test', '--kind', 'integration', '--json', '--cwd', repo]);
    const doc = JSON.parse(r.stdout) as RunJson;
    assert.deepEqual(doc.suites.map((s) => s.suite), ['node']);
  });

  it('reports a command that does not exist as a failed suite and still runs the others', async () => {
    const other = initRepo(path.join(base, 'missing'));
    writeFile(other, '.sdlc.json', JSON.stringify({ tests: [
      { name: 'ghost', kind: 'unit', command: 'no-such-command-sdlc-xyz --flag' },
      { name: 'ok', kind: 'unit', command: `${NODE} -e 0` },
    ] }));
    const r = await runInProcess(['test', '--json', '--cwd', other]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as RunJson;
    assert.equal(doc.suites[0].error?.code, 'CommandNotFound');
    assert.match(doc.suites[0].error?.message ?? '', /no-such-command-sdlc-xyz/);
    assert.deepEqual([doc.suites[1].passed, doc.passed, doc.failed], [1, 1, 1]);
  });

  it('refuses bad usage with exit 2 and a JSON error', async () => {
    const cases: Array<[string[], string]> = [
      [['test', '--suite', 'nope'], 'UnknownSuite'],
      [['test', '--suite', 'unit', '--kind', 'unit'], 'BadUsage'],
      [['test', '--kind', 'smoke'], 'BadUsage'],
      [['test', '--format', 'junit'], 'BadUsage'],
      [['test', '--report', 'x.xml', '--suite', 'unit'], 'BadUsage'],
      [['test', '--report', 'nope.xml', '--format', 'junit'], 'ReportMissing'],
      [['test', '--report', 'README.md'], 'BadUsage'],
      [['test', '--report', 'README.md', '--format', 'yaml'], 'UnknownReportFormat'],
    ];
    for (const [argv, code] of cases) {
      const r = await runInProcess([...argv, '--json', '--cwd', repo]);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(parseError(r.stderr).code, code, argv.join(' '));
    }
  });
});

describe('sdlc test: suites detected from package.json (integration, real npm)', function () {
  this.timeout(120000);
  let base: string;
  let repo: string;
  const runs = () => readFileSync(path.join(repo, 'runs.log'), 'utf8').trim().split('\n').sort();

  before(() => {
    base = tempDir();
    repo = initRepo(path.join(base, 'aggregate'));
    cpSync(path.join(FIXTURES, 'projects', 'aggregate'), repo, { recursive: true });
    // npm accepts a package.json with a UTF-8 byte order mark, so must we (issue 8, 15).
    writeFileSync(path.join(repo, 'package.json'), `\uFEFF${readFileSync(path.join(repo, 'package.json'), 'utf8')}`);
  });
  beforeEach(() => rmSync(path.join(repo, 'runs.log'), { force: true }));
  after(() => removeDir(base));

  it('runs every test once: `test` (npm run test:unit && npm run test:api) runs as its parts, not again on its own', async () => {
    const r = await runInProcess(['test', '--json', '--cwd', repo]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as RunJson;
    assert.deepEqual(doc.suites.map((s) => `${s.suite}:${s.kind}`), ['test:unit:unit', 'test:api:integration', 'test:e2e:acceptance']);
    assert.deepEqual(runs(), ['test:api', 'test:e2e', 'test:unit']);
    // test:unit is a files-free `node --test`: its tests are reported one by one.
    assert.deepEqual(doc.suites[0].tests.map((t) => `${t.name}:${t.status}`), ['adds:passed']);
  });

  it('--suite of a group runs its parts; --kind picks among the parts', async () => {
    const group = JSON.parse((await runInProcess(['test', '--suite', 'test', '--json', '--cwd', repo])).stdout) as RunJson;
    assert.deepEqual(group.suites.map((s) => s.suite), ['test:unit', 'test:api']);
    assert.deepEqual(runs(), ['test:api', 'test:unit']);
    rmSync(path.join(repo, 'runs.log'));
    const kind = JSON.parse((await runInProcess(['test', '--kind', 'integration', '--json', '--cwd', repo])).stdout) as RunJson;
    assert.deepEqual(kind.suites.map((s) => s.suite), ['test:api']);
    assert.deepEqual(runs(), ['test:api']);
  });
});

describe('sdlc test: commands a shell would read differently (integration)', () => {
  it('refuses the whole run with exit 2 before anything runs, saying why and what to write instead (issue 8, 21)', async () => {
    const base = tempDir();
    try {
      const repo = initRepo(path.join(base, 'app'));
      const marker = path.join(repo, 'ran');
      for (const command of [`${NODE} -e 0;touch ${marker}`, `${NODE} -e 0\ntouch ${marker}`]) {
        writeFile(repo, '.sdlc.json', JSON.stringify({ tests: [{ name: 'first', kind: 'unit', command: `touch ${marker}` }, { name: 'bad', kind: 'unit', command }] }));
        const r = await runInProcess(['test', '--json', '--cwd', repo]);
        assert.equal(r.code, 2, r.stderr);
        const error = parseError(r.stderr);
        assert.equal(error.code, 'InvalidCommand');
        assert.match(error.message, /runs more than one command .*without a shell.*script/);
        assert.throws(() => readFileSync(marker));
      }
    } finally {
      removeDir(base);
    }
  });
});

describe('sdlc test --report (integration)', () => {
  for (const [file, format] of [
    ['junit-surefire.xml', 'junit'],
    ['junit-jest.xml', 'junit'],
    ['tap-node-test.tap', 'tap'],
    ['mocha.json', 'mocha-json'],
  ] as const) {
    it(`parses ${file} into { passed, failed, skipped, durationMs, tests }`, async () => {
      const r = await runInProcess(['test', '--report', path.join(FIXTURES, file), '--format', format, '--json']);
      const doc = JSON.parse(r.stdout) as { passed: number; failed: number; skipped: number; durationMs: number; tests: Array<{ status: string; name: string }> };
      // `warnings` (what the parser noticed) may follow.
      assert.deepEqual(Object.keys(doc).filter((k) => k !== 'warnings'), ['passed', 'failed', 'skipped', 'durationMs', 'tests']);
      assert.ok(doc.tests.length > 0);
      for (const key of ['passed', 'failed', 'skipped'] as const) assert.equal(doc[key], doc.tests.filter((t) => t.status === key).length, key);
      assert.equal(r.code, doc.failed > 0 ? 1 : 0);
    });
  }

  it('guesses the format from the extension and prints the failures and the summary line', async () => {
    const file = path.join(FIXTURES, 'tap-node-test.tap');
    const r = await runInProcess(['test', '--report', file]);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[lines.length - 1], /^\d+ passed, \d+ failed(, \d+ skipped)?$/);
    assert.ok(lines.some((l) => l.includes('✗') && l.includes('adds wrongly')), r.stdout);
    assert.ok(readFileSync(file, 'utf8').length > 0);
  });

  it('fails a malformed report with MalformedReport', async () => {
    const dir = tempDir();
    try {
      writeFile(dir, 'broken.xml', '<testsuites><testsuite name="x"><testcase name="a"');
      const r = await runInProcess(['test', '--report', path.join(dir, 'broken.xml'), '--json']);
      assert.notEqual(r.code, 0);
      assert.equal(parseError(r.stderr).code, 'MalformedReport');
    } finally {
      removeDir(dir);
    }
  });
});
