import { strict as assert } from 'node:assert';
import { onlyTargets, planRerun, rerunPattern, rerunTarget, type TestSuite } from '../../../src/core/testing';
import { ReportBuilder } from '../../../src/core/testing/model';

const suite = (command: TestSuite['command'], extra: Partial<TestSuite> = {}): TestSuite => ({ name: 's', kind: 'unit', command, cwd: '/r', ...extra });

describe('re-run failed tests', () => {
  const failed = [
    { id: 'a.js::Calc > div::divides (wrongly) [x]', name: 'divides (wrongly) [x]' },
    { id: 'a.js::::top.level$', name: 'top.level$' },
  ];

  it('reads the suites of a failed test from the record, or from its id in older records', () => {
    assert.deepEqual(rerunTarget(failed[0]), { name: 'divides (wrongly) [x]', suite: ['Calc', 'div'] });
    assert.deepEqual(rerunTarget(failed[1]), { name: 'top.level$', suite: [] });
    assert.deepEqual(rerunTarget({ id: 'f::S::t [2]', name: 't' }), { name: 't', suite: ['S'] });
    assert.deepEqual(rerunTarget({ id: 'whatever', name: 't', suite: ['A > B'] }), { name: 't', suite: ['A > B'] });
  });

  it('escapes regex metacharacters and anchors the pattern', () => {
    const p = rerunPattern(failed.map(rerunTarget), 'mocha');
    assert.equal(p, '^(?:Calc div divides \\(wrongly\\) \\[x\\]|top\\.level\\$)$');
    const re = new RegExp(p);
    assert.ok(re.test('Calc div divides (wrongly) [x]'));
    assert.ok(re.test('top.level$'));
    assert.ok(!re.test('topXlevel$'));
    assert.ok(!re.test('Calc div divides (wrongly) [x] too'));
    // node --test: the name alone (Node 20) or the full name (Node 22+).
    const node = new RegExp(rerunPattern(failed.map(rerunTarget), 'node-test'));
    assert.ok(node.test('divides (wrongly) [x]') && node.test('Calc div divides (wrongly) [x]'));
  });

  it('node --test: the filter goes right after node, as one argv word (no shell)', () => {
    const plan = planRerun(suite("FOO=1 /usr/bin/node --test --test-reporter=tap 'a b.test.mjs'"), failed);
    assert.ok(plan.filtered);
    assert.equal(plan.runner, 'node-test');
    const argv = plan.suite.command as string[];
    assert.equal(argv[0], '/usr/bin/node');
    assert.match(argv[1], /^--test-name-pattern=\^\(\?:/);
    assert.deepEqual(argv.slice(2), ['--test', '--test-reporter=tap', 'a b.test.mjs']);
    assert.deepEqual(plan.suite.env, { FOO: '1' });
  });

  it('mocha (also through npx, a path, or a detected npm script): --grep at the end', () => {
    for (const command of ['mocha test/*.js --reporter json', 'npx mocha --reporter json', './node_modules/.bin/_mocha x.js']) {
      const plan = planRerun(suite(command), failed);
      assert.ok(plan.filtered, command);
      const argv = plan.suite.command as string[];
      assert.deepEqual(argv.slice(-2), ['--grep', plan.pattern]);
    }
    const npm = planRerun(suite(['npm', 'test', '--silent', '--', '--reporter', 'json'], { runner: 'mocha' }), failed);
    assert.ok(npm.filtered);
    assert.deepEqual((npm.suite.command as string[]).slice(0, 6), ['npm', 'test', '--silent', '--', '--reporter', 'json']);
  });

  it('other runners: the whole suite, and why', () => {
    for (const command of ['npm test', 'jest', 'node script.js --test', 'sh -c x']) {
      const plan = planRerun(suite(command), failed);
      assert.equal(plan.filtered, false, command);
      if (!plan.filtered) assert.match(plan.reason, /has no test-name filter/);
      assert.equal(plan.suite.command, command);
    }
  });

  it('drops the tests a filter skipped, keeps what ran', () => {
    const b = new ReportBuilder();
    b.add({ suite: [], name: 'adds', status: 'skipped' });
    b.add({ suite: ['Calc', 'div'], name: 'divides (wrongly) [x]', status: 'failed' });
    b.add({ suite: [], name: 'top.level$', status: 'passed' });
    b.add({ suite: [], name: 'other', status: 'passed' });
    const r = onlyTargets(b.build(), failed.map(rerunTarget));
    assert.deepEqual([r.passed, r.failed, r.skipped], [2, 1, 0]);
    assert.deepEqual(r.tests.map((t) => t.name), ['divides (wrongly) [x]', 'top.level$', 'other']);
  });
});
