import * as assert from 'node:assert/strict';
import { classifyGitFailure, redactArgs, redactGitText } from '../../../src/core/git/classify';
import type { GitErrorCode } from '../../../src/core/git/gitError';

/** stderr samples of git 2.39 (copied from real runs) → the code they must get. */
const SAMPLES: Array<[GitErrorCode, string[], number, string]> = [
  ['NotARepository', ['status'], 128, 'fatal: not a git repository (or any of the parent directories): .git\n'],
  ['NotARepository', ['status'], 128, "fatal: detected dubious ownership in repository at '/srv/x'\nTo add an exception for this directory, call:\n"],
  ['EmptyRepository', ['log'], 128, "fatal: your current branch 'main' does not have any commits yet\n"],
  ['RepositoryLocked', ['checkout', '-b', 'x'], 128, "fatal: Unable to create '/r/.git/index.lock': File exists.\n\nAnother git process seems to be running in this repository"],
  ['RepositoryLocked', ['branch', 'x'], 128, "fatal: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': File exists.\n"],
  ['RefExists', ['branch', 'a/b'], 128, "fatal: cannot lock ref 'refs/heads/a/b': 'refs/heads/a' exists; cannot create 'refs/heads/a/b'\n"],
  ['PushRejected', ['push', 'origin', 'main'], 1, " ! [rejected]        main -> main (non-fast-forward)\nerror: failed to push some refs to 'http://127.0.0.1:1/a.git'\nhint: Updates were rejected because the tip of your current branch is behind\n"],
  ['PushRejected', ['push', 'origin', 'main'], 1, " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to 'x'\nhint: Updates were rejected because the remote contains work that you do\n"],
  ['PushRejected', ['push', 'origin', 'main'], 1, " ! [remote rejected] main -> main (pre-receive hook declined)\nerror: failed to push some refs to 'x'\n"],
  ['PushRejected', ['push', 'origin', 'v1'], 1, " ! [rejected]        v1 -> v1 (already exists)\nerror: failed to push some refs to 'x'\n"],
  ['ShallowRepository', ['push', 'origin', 'main'], 1, ' ! [remote rejected] main -> main (shallow update not allowed)\n'],
  ['NoUpstream', ['push'], 128, 'fatal: The current branch feature has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n'],
  ['NoUpstream', ['pull', '--ff-only'], 1, 'There is no tracking information for the current branch.\nPlease specify which branch you want to merge with.\n'],
  ['NoUpstream', ['rev-parse', '@{u}'], 128, "fatal: no upstream configured for branch 'feature'\n"],
  ['RefExists', ['branch', 'dev'], 128, "fatal: a branch named 'dev' already exists\n"],
  ['RefExists', ['tag', '-a', '-m', 'x', 'v1'], 128, "fatal: tag 'v1' already exists\n"],
  ['RefNotFound', ['checkout', 'nope', '--'], 128, 'fatal: invalid reference: nope\n'],
  ['RefNotFound', ['checkout', 'nope'], 1, "error: pathspec 'nope' did not match any file(s) known to git\n"],
  ['RefNotFound', ['branch', '-d', 'nope'], 1, "error: branch 'nope' not found.\n"],
  ['RefNotFound', ['tag', '-d', 'nope'], 1, "error: tag 'nope' not found.\n"],
  ['RefNotFound', ['branch', 'x', 'nope'], 128, "fatal: not a valid object name: 'nope'\n"],
  ['RefNotFound', ['log', 'nope', '--'], 128, "fatal: bad revision 'nope'\n"],
  ['RefNotFound', ['push', 'origin', 'nope'], 1, "error: src refspec nope does not match any\nerror: failed to push some refs to 'x'\n"],
  ['RefNotFound', ['fetch', 'origin', 'gone'], 128, "fatal: couldn't find remote ref gone\n"],
  ['InvalidRefName', ['branch', 'a..b'], 128, "fatal: 'a..b' is not a valid branch name\n"],
  ['InvalidRefName', ['tag', 'a..b'], 128, "fatal: 'a..b' is not a valid tag name.\n"],
  ['Conflict', ['merge', 'x'], 1, 'CONFLICT (content): Merge conflict in a.txt\nAutomatic merge failed; fix conflicts and then commit the result.\n'],
  ['Conflict', ['checkout', 'x'], 1, 'a.txt: needs merge\nerror: you need to resolve your current index first\n'],
  ['Conflict', ['pull', '--ff-only'], 128, 'hint: Diverging branches can\'t be fast-forwarded, you need to either:\nfatal: Not possible to fast-forward, aborting.\n'],
  ['DirtyWorkTree', ['checkout', 'x', '--'], 1, 'error: Your local changes to the following files would be overwritten by checkout:\n\ta.txt\nPlease commit your changes or stash them before you switch branches.\nAborting\n'],
  ['DirtyWorkTree', ['checkout', 'x'], 1, 'error: The following untracked working tree files would be overwritten by checkout:\n\tb.txt\n'],
  ['BranchNotMerged', ['branch', '-d', 'feature'], 1, "error: The branch 'feature' is not fully merged.\nIf you are sure you want to delete it, run 'git branch -D feature'.\n"],
  ['AuthFailed', ['fetch'], 128, "remote: Unauthorized\nfatal: Authentication failed for 'http://127.0.0.1:4000/app.git/'\n"],
  ['AuthFailed', ['fetch'], 128, "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n"],
  ['AuthFailed', ['fetch'], 128, 'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n'],
  ['AuthFailed', ['push'], 128, "fatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 403\n"],
  ['Network', ['fetch'], 128, "fatal: unable to access 'http://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n"],
  ['Network', ['fetch'], 128, "fatal: unable to access 'https://nope.invalid/x.git/': Could not resolve host: nope.invalid\n"],
  ['Network', ['fetch'], 128, 'ssh: connect to host example.com port 22: Connection timed out\nfatal: Could not read from remote repository.\n'],
  ['Network', ['fetch'], 128, 'ssh: Could not resolve hostname nope: Name or service not known\nfatal: Could not read from remote repository.\n'],
  ['RemoteNotFound', ['fetch', 'nope'], 128, "fatal: 'nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n"],
  ['RemoteNotFound', ['fetch'], 128, "remote: Repository not found.\nfatal: repository 'https://github.com/o/missing.git/' not found\n"],
  ['RemoteNotFound', ['remote', 'remove', 'x'], 2, "error: No such remote: 'x'\n"],
  ['DetachedHead', ['push'], 128, 'fatal: You are not currently on a branch.\nTo push the history leading to the current (detached HEAD)\n'],
  ['Unknown', ['frobnicate'], 1, "git: 'frobnicate' is not a git command. See 'git --help'.\n"],
  ['Unknown', ['branch', '-d', 'main'], 1, "error: Cannot delete branch 'main' checked out at '/r'\n"],
];

describe('classifyGitFailure', () => {
  it("keeps git's reason (fatal) with its first error line as the detail, e.g. a damaged index", () => {
    const e = classifyGitFailure(['status'], 128, 'error: bad signature 0x414d4144\nfatal: index file corrupt\n');
    assert.equal(e.message, 'git status failed (exit code 128): index file corrupt (bad signature 0x414d4144).');
    assert.match(classifyGitFailure(['status'], 128, 'fatal: not a tree object\n').message, /: not a tree object\.$/);
    assert.match(classifyGitFailure(['branch'], 1, 'error: some detail\n').message, /: some detail\.$/);
    assert.match(classifyGitFailure(['status'], 128, 'error: the detail\nfatal: \nhint: more\n').message, /: the detail\.$/, 'an empty fatal line does not hide the error line');
  });

  for (const [code, args, exitCode, stderr] of SAMPLES) {
    it(`${code} ← ${stderr.split('\n').find((l) => l.trim()) ?? ''}`, () => {
      const e = classifyGitFailure(args, exitCode, stderr);
      assert.equal(e.gitCode, code);
      assert.equal(e.code, code);
      assert.equal(e.exitCode, exitCode);
      assert.ok(e.message.length > 20, 'the message says what happened and what to do');
      assert.match(e.message, /\.\s*$|\)\s*$/);
    });
  }

  it('names the lock file in the message of RepositoryLocked', () => {
    const e = classifyGitFailure(['commit'], 128, "fatal: Unable to create '/r/.git/index.lock': File exists.\n");
    assert.equal(
      e.message,
      'The index is locked by another git process (/r/.git/index.lock). Wait for it to finish or delete the lock file if no git process is running.',
    );
  });

  it('GitNotFound from a spawn ENOENT, Cancelled from an abort', () => {
    const enoent = Object.assign(new Error('spawn /no/git ENOENT'), { code: 'ENOENT' });
    assert.equal(classifyGitFailure(['status'], -2, '', { cause: enoent, gitPath: '/no/git' }).gitCode, 'GitNotFound');
    assert.equal(classifyGitFailure(['fetch'], null, '', { aborted: true }).gitCode, 'Cancelled');
  });

  it('InvalidRefName is a usage error, others are not', () => {
    assert.equal(classifyGitFailure(['branch', 'a..b'], 128, "fatal: 'a..b' is not a valid branch name\n").usage, true);
    assert.equal(classifyGitFailure(['fetch'], 128, 'fatal: Authentication failed for x').usage, false);
  });

  it('never carries credentials in message, stderr or args', () => {
    const secret = 'hunter2secret';
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const stderr = `fatal: unable to access 'https://alice:${secret}@github.com/o/r.git/': Could not resolve host: github.com\n${token}\n`;
    const e = classifyGitFailure(['fetch', `https://alice:${secret}@github.com/o/r.git`, `https://${token}@github.com/o/r.git`], 128, stderr);
    const all = `${e.message}\n${e.stderr}\n${JSON.stringify(e.details.args)}`;
    assert.ok(!all.includes(secret), all);
    assert.ok(!all.includes(token), all);
    assert.equal(e.gitCode, 'Network');
  });

  it('redacts URL user info but keeps the host', () => {
    assert.equal(redactGitText('see https://u:p4ssw0rd@host/x.git'), 'see https://host/x.git');
    assert.deepEqual(redactArgs(['push', 'https://tok@example.com/a.git', 'main']), ['push', 'https://example.com/a.git', 'main']);
  });
});
