// A small node:test project for the Test Runs extension and UI tests. Its outcomes are switched by
// two data files, so a test can make a passing test fail (a regression) or flip one back and forth
// at the same commit (flaky) without committing.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { commit, makeRepo } from './repos';

export interface TestRunsProject {
  dir: string;
  /** `multiplies` passes with 6, fails with anything else. */
  setProduct(n: number): Promise<void>;
  /** `flips` passes with 'pass'. */
  setFlip(outcome: 'pass' | 'fail'): Promise<void>;
  /** File of the slow suite's grandchild pid (written once it runs). */
  pidFile: string;
}

const CALC = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const mode = JSON.parse(readFileSync(new URL('./mode.json', import.meta.url), 'utf8'));

test('adds', () => {
  assert.equal(1 + 1, 2);
});

test('multiplies', () => {
  assert.equal(2 * 3, mode.product);
});

test('divides wrongly', () => {
  assert.equal(6 / 2, 4);
});
`;

const API = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test('stable', () => {
  assert.ok(true);
});

test('flips', () => {
  assert.equal(readFileSync(new URL('./flip.txt', import.meta.url), 'utf8').trim(), 'pass');
});
`;

// Starts a grandchild that would run forever, writes its pid, then waits: cancel must end both.
const SLOW = `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(new URL('./slow.pid', import.meta.url), String(child.pid));
console.log('slow suite started');
setInterval(() => {}, 1000);
`;

export async function makeTestRunsProject(dir: string, options: { slow?: boolean; node?: string } = {}): Promise<TestRunsProject> {
  const node = options.node ?? process.execPath;
  const tests = [
    { name: 'unit', kind: 'unit', command: `${node} --test --test-reporter=tap calc.test.mjs`, report: { format: 'tap' } },
    { name: 'api', kind: 'integration', command: `${node} --test --test-reporter=tap api.test.mjs`, report: { format: 'tap' } },
  ];
  if (options.slow) tests.push({ name: 'slow', kind: 'acceptance', command: `${node} slow.mjs` } as (typeof tests)[number]);
  await makeRepo({ dir, commits: 0 });
  await commit(dir, 'test: fixture project', {
    'calc.test.mjs': CALC,
    'api.test.mjs': API,
    'slow.mjs': SLOW,
    'mode.json': '{ "product": 6 }\n',
    'flip.txt': 'pass\n',
    '.gitignore': 'slow.pid\n',
    '.sdlc.json': `${JSON.stringify({ tests }, null, 2)}\n`,
  });
  return {
    dir,
    pidFile: path.join(dir, 'slow.pid'),
    setProduct: (n) => fs.writeFile(path.join(dir, 'mode.json'), `{ "product": ${n} }\n`),
    setFlip: (o) => fs.writeFile(path.join(dir, 'flip.txt'), `${o}\n`),
  };
}
