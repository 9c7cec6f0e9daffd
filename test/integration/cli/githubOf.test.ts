import { strict as assert } from 'node:assert';
import { githubOf } from '../../../src/cli/bump';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { parseGitHubRemote } from '../../../src/core/github/remote';
import { commit, git, initRepo, removeDir, tempDir } from './tempRepo';

/**
 * githubOf (the repository changelog links point to) asks git twice side by side; it must answer
 * what the three-step lookup gave: the URL of the current branch's upstream remote (insteadOf
 * applied), else origin's, else null.
 */
describe('sdlc: the GitHub repository of the changelog links (githubOf)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  /** The former lookup, step by step with git: symbolic-ref → upstream remote → its URL, else origin's. */
  function stepByStep(dir: string): ReturnType<typeof parseGitHubRemote> {
    const tryGit = (...args: string[]) => {
      try {
        return git(dir, ...args).trim();
      } catch {
        return '';
      }
    };
    const symbolic = tryGit('symbolic-ref', '-q', 'HEAD');
    const remote = symbolic ? tryGit('for-each-ref', '--format=%(upstream:remotename)', symbolic) : '';
    for (const r of [remote, 'origin'].filter(Boolean)) {
      const url = tryGit('remote', 'get-url', '--', r);
      if (url) return parseGitHubRemote(url);
    }
    return null;
  }

  const cases: Array<[string, (dir: string) => void, string | null]> = [
    ['no remote at all', () => {}, null],
    ['origin only', (d) => git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git'), 'acme/origin'],
    ['not origin, no upstream', (d) => git(d, 'remote', 'add', 'upstream', 'https://github.com/acme/up.git'), null],
    [
      "the branch's upstream remote before origin",
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git');
        git(d, 'remote', 'add', 'fork', 'git@github.com:me/fork.git');
        git(d, 'config', 'branch.main.remote', 'fork');
        git(d, 'config', 'branch.main.merge', 'refs/heads/main');
      },
      'me/fork',
    ],
    [
      'a local upstream (branch.main.remote = .) → origin',
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git');
        git(d, 'config', 'branch.main.remote', '.');
        git(d, 'config', 'branch.main.merge', 'refs/heads/other');
      },
      'acme/origin',
    ],
    [
      'an upstream remote that does not exist → origin',
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git');
        git(d, 'config', 'branch.main.remote', 'gone');
        git(d, 'config', 'branch.main.merge', 'refs/heads/main');
      },
      'acme/origin',
    ],
    [
      'detached HEAD → origin',
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git');
        git(d, 'config', 'branch.main.remote', 'origin');
        git(d, 'checkout', '-q', '--detach');
      },
      'acme/origin',
    ],
    [
      'url.<base>.insteadOf is applied',
      (d) => {
        git(d, 'config', 'url.https://github.com/.insteadOf', 'gh:');
        git(d, 'remote', 'add', 'origin', 'gh:acme/short.git');
      },
      'acme/short',
    ],
    [
      'another branch at the same commit has another upstream',
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/origin.git');
        git(d, 'remote', 'add', 'fork', 'https://github.com/me/fork.git');
        git(d, 'branch', 'aside');
        git(d, 'config', 'branch.aside.remote', 'fork');
        git(d, 'config', 'branch.aside.merge', 'refs/heads/main');
      },
      'acme/origin',
    ],
    [
      'a remote with several URLs: the first',
      (d) => {
        git(d, 'remote', 'add', 'origin', 'https://github.com/acme/first.git');
        git(d, 'config', '--add', 'remote.origin.url', 'https://github.com/acme/second.git');
      },
      'acme/first',
    ],
    ['origin not on GitHub', (d) => git(d, 'remote', 'add', 'origin', 'https://example.com/acme/x.git'), null],
  ];

  for (const [name, setup, expected] of cases) {
    it(name, async () => {
      const dir = tempDir();
      dirs.push(dir);
      initRepo(dir);
      commit(dir, 'a.txt', 'a\n', 'chore: a');
      setup(dir);
      const found = await githubOf(createGit(dir), {});
      assert.equal(found ? `${found.owner}/${found.repo}` : null, expected);
      assert.deepEqual(found, stepByStep(dir), 'the same answer as the step-by-step lookup');
    });
  }
});
