import { strict as assert } from 'node:assert';
import { declaredLocation, locationFromStack, parseFrame, parseLocation, relativeFile } from '../../../src/core/testing/location';

describe('testing/location', () => {
  it('takes the first frame inside the project, skipping node_modules and node internals', () => {
    const stack = [
      'AssertionError [ERR_ASSERTION]: boom',
      '    at Object.<anonymous> (/proj/node_modules/chai/lib/assert.js:10:3)',
      '    at node:internal/process/task_queues:95:5',
      '    at /other/place/x.js:1:1',
      '    at async Context.<anonymous> (/proj/test/a.test.ts:12:5)',
      '    at run (/proj/src/b.ts:3:1)',
    ].join('\n');
    assert.deepEqual(locationFromStack(stack, '/proj'), { file: '/proj/test/a.test.ts', line: 12, column: 5 });
    // Without a project root, the first absolute frame outside node_modules counts.
    assert.deepEqual(locationFromStack(stack), { file: '/other/place/x.js', line: 1, column: 1 });
  });

  it('understands file URLs, frames without "at" (Node TAP), relative paths and bare frames', () => {
    assert.deepEqual(locationFromStack('TestContext.<anonymous> (file:///home/dev/calc/t.mjs:13:12)', '/home/dev/calc'), {
      file: '/home/dev/calc/t.mjs',
      line: 13,
      column: 12,
    });
    assert.deepEqual(locationFromStack('Error: x\n    at Context.<anonymous> (test/calc.spec.js:12:12)', '/p'), { file: '/p/test/calc.spec.js', line: 12, column: 12 });
    assert.deepEqual(locationFromStack('Error\n    at /p/dir with space/t.js:2:3', '/p'), { file: '/p/dir with space/t.js', line: 2, column: 3 });
    assert.equal(locationFromStack('Error: nothing here\n    at <anonymous>', '/p'), undefined);
    assert.equal(locationFromStack(undefined), undefined);
    assert.equal(locationFromStack('expected 1:2:3 to be fine'), undefined);
  });

  it('parses single frames and rejects non-frames', () => {
    assert.deepEqual(parseFrame('    at fn (C:\\work\\a.ts:4:2)'), { file: 'C:\\work\\a.ts', line: 4, column: 2 });
    assert.equal(parseFrame('at com.example.Foo.bar(Foo.java:27)'), undefined);
    assert.equal(parseFrame('just text'), undefined);
  });

  it('parses "file:line[:column]" locations and relative test files', () => {
    assert.deepEqual(parseLocation("/a/b.mjs:12:3"), { file: '/a/b.mjs', line: 12, column: 3 });
    assert.deepEqual(parseLocation('src/b.ts:7', '/r'), { file: '/r/src/b.ts', line: 7 });
    assert.equal(parseLocation('nonsense'), undefined);
    assert.equal(relativeFile('/r/src/a.ts', '/r'), 'src/a.ts');
    // A file outside the project is not offered as one of its files.
    assert.equal(relativeFile('/elsewhere/a.ts', '/r'), undefined);
    assert.equal(relativeFile('../../etc/passwd', undefined), undefined);
    assert.equal(relativeFile('src/a.ts', undefined), 'src/a.ts');
  });

  it('keeps declared locations inside the project (issue 8 #20)', () => {
    assert.equal(declaredLocation('/root/.ssh/id_rsa:1', '/home/dev/p'), undefined);
    assert.equal(declaredLocation('../../../../etc/passwd:1', '/home/dev/p'), undefined);
    assert.equal(declaredLocation('../../../../etc/passwd:1'), undefined);
    assert.equal(declaredLocation('/home/dev/p2/a.ts:1', '/home/dev/p'), undefined, 'a sibling folder with the same prefix is outside');
    assert.deepEqual(declaredLocation('src/../test/a.ts:4:2', '/home/dev/p'), { file: '/home/dev/p/test/a.ts', line: 4, column: 2 });
    assert.deepEqual(declaredLocation('test/a.ts:4'), { file: 'test/a.ts', line: 4 });
  });
});
