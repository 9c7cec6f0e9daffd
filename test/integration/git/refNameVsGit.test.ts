import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { validateRefName } from '../../../src/core/git/refName';
import { testGitEnv } from '../../support/repos';

function gitAccepts(args: string[]): boolean {
  try {
    execFileSync('git', ['check-ref-format', ...args], { env: testGitEnv(), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Names built from pieces that exercise every rule. */
const nameArb = fc
  .array(fc.constantFrom('a', 'b', 'Z', '0', '-', '_', '.', '/', '.lock', '@', '{', '}', '..', ' ', '~', '^', ':', '?', '*', '[', '\\', 'é', '\t', 'x', 'feat', 'v1.2'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

describe('validateRefName agrees with git check-ref-format', function () {
  this.timeout(60000);

  it('property: every branch name it accepts, git accepts (and it rejects what git rejects)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nameArb, (name) => {
        const ours = validateRefName(name, 'branch').ok;
        const theirs = gitAccepts(['--branch', name]);
        if (ours) accepted++;
        if (ours) assert.ok(theirs, `we accept ${JSON.stringify(name)}, git does not`);
        // git --branch also takes "@" (HEAD) and "-" (previous branch) syntax; those we refuse on purpose.
        else if (name !== '@' && !name.startsWith('-')) assert.ok(!theirs, `we reject ${JSON.stringify(name)}, git accepts it`);
      }),
      { numRuns: 250 },
    );
    assert.ok(accepted > 10, `only ${accepted} accepted samples`);
  });

  it('property: every tag name it accepts, git accepts as refs/tags/<name>', () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        if (validateRefName(name, 'tag').ok) assert.ok(gitAccepts([`refs/tags/${name}`]), name);
      }),
      { numRuns: 150 },
    );
  });

  it('the listed bad names are rejected by both, with a reason', () => {
    for (const name of ['a..b', '-x', 'a b', 'x@{y', 'foo.lock', 'a/', '.a', 'a~1']) {
      const r = validateRefName(name, 'branch');
      assert.equal(r.ok, false, name);
      if (!r.ok) assert.ok(r.reason.length > 0);
      if (name !== '-x') assert.equal(gitAccepts(['--branch', name]), false, name);
    }
  });
});
