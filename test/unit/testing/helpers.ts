import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import type { TestReport } from '../../../src/core/testing/model';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/testing');

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Runs `fn` and returns the SdlcError it throws; fails on anything else. */
export function malformedError(fn: () => unknown, code = 'MalformedReport'): SdlcError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SdlcError, `expected an SdlcError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail('expected an error');
}

/** Invariants every report keeps: counts add up, ids are unique. */
export function assertConsistent(r: TestReport): void {
  assert.equal(r.passed + r.failed + r.skipped, r.tests.length);
  assert.equal(r.passed, r.tests.filter((t) => t.status === 'passed').length);
  assert.equal(r.failed, r.tests.filter((t) => t.status === 'failed').length);
  assert.equal(new Set(r.tests.map((t) => t.id)).size, r.tests.length, 'ids are unique');
  assert.ok(Number.isFinite(r.durationMs) && r.durationMs >= 0);
}

export function byName(r: TestReport, name: string, nth = 0) {
  const t = r.tests.filter((x) => x.name === name)[nth];
  assert.ok(t, `no test named ${name}`);
  return t;
}
