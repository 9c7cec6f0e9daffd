import { strict as assert } from 'node:assert';
import { parseJUnit } from '../../../src/core/testing/junit';
import { assertConsistent, byName, fixture, malformedError } from './helpers';

describe('testing/junit', () => {
  it('parses a Surefire report: failure, error, skipped, duplicates, seconds → ms, output ignored', () => {
    const r = parseJUnit(fixture('junit-surefire.xml'));
    assertConsistent(r);
    assert.deepEqual([r.passed, r.failed, r.skipped], [2, 2, 1]);
    assert.equal(r.durationMs, 52);
    const div = byName(r, 'dividesByZero');
    assert.equal(div.status, 'failed');
    assert.deepEqual(div.suite, ['com.example.calc.CalculatorTest']);
    assert.equal(div.message, 'expected: <Infinity> but was: <NaN>');
    assert.match(div.stack ?? '', /CalculatorTest\.java:27/);
    assert.equal(div.durationMs, 11);
    assert.equal(byName(r, 'parsesInput').message, 'For input string: "x"');
    assert.equal(byName(r, 'roundsHalfUp').message, 'flaky on CI');
    const ids = r.tests.filter((t) => t.name === 'addsTwoNumbers').map((t) => t.id);
    assert.deepEqual(ids, ['::com.example.calc.CalculatorTest::addsTwoNumbers', '::com.example.calc.CalculatorTest::addsTwoNumbers [2]']);
    assert.ok(!JSON.stringify(r).includes('must be ignored'));
  });

  it('parses a jest-junit report: nested suites, file and line attributes, unicode, message from the body', () => {
    const r = parseJUnit(fixture('junit-jest.xml'), { cwd: '/home/dev/shop' });
    assertConsistent(r);
    assert.deepEqual([r.passed, r.failed, r.skipped], [4, 1, 1]);
    assert.equal(r.durationMs, 1234);
    const tax = byName(r, 'Cart totals with tax');
    assert.equal(tax.file, 'src/cart.test.ts');
    assert.equal(tax.message, 'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 119\nReceived: 118.99');
    assert.deepEqual(tax.location, { file: '/home/dev/shop/src/cart.test.ts', line: 21, column: 30 });
    assert.deepEqual(byName(r, 'Cart ünïcödé ✓').location, { file: '/home/dev/shop/src/cart.test.ts', line: 40 });
    assert.deepEqual(byName(r, 'formats yen').suite, ['src/price.test.ts', 'Price formatting']);
  });

  it('accepts a single <testsuite> root, an empty report and pytest-style classnames', () => {
    const r = parseJUnit(
      '<?xml version="1.0"?><testsuite name="pytest" time="1.5"><testcase classname="tests.test_a.TestA" name="test_x" time="0.25"/></testsuite>',
    );
    assert.deepEqual(r.tests[0].suite, ['pytest', 'tests.test_a.TestA']);
    assert.equal(r.tests[0].durationMs, 250);
    assert.equal(r.durationMs, 1500);
    const empty = parseJUnit('<testsuites/>');
    assert.deepEqual([empty.tests.length, empty.durationMs], [0, 0]);
    assert.equal(parseJUnit('<testsuites></testsuites>\n<!-- generated -->\n').tests.length, 0);
  });

  it('reports truncated, malformed and foreign documents as MalformedReport', () => {
    const full = fixture('junit-jest.xml');
    assert.match(malformedError(() => parseJUnit(full.slice(0, full.length - 20))).message, /truncated|closed|tag/i);
    assert.match(malformedError(() => parseJUnit('<a><b></a>')).message, /JUnit XML/);
    assert.match(malformedError(() => parseJUnit('<html><body/></html>')).message, /no <testsuites> or <testsuite>/);
    malformedError(() => parseJUnit(''));
    malformedError(() => parseJUnit('{"stats":{}}'));
  });
});
