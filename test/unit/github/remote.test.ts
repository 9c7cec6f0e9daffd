import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGitHubRemote, stripCredentials } from '../../../src/core/github/remote';
import { registerSecret } from '../../../src/core/secrets';

describe('GitHub remotes: the ssh URL forms and credentials (issue 8)', () => {
  const owner = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,20}$/);
  const repo = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/).filter((r) => !/\.git$/i.test(r) && r !== '.' && r !== '..');

  it('git+ssh:// and ssh+git:// remotes are GitHub remotes, with owner and repo (property)', () => {
    fc.assert(
      fc.property(owner, repo, fc.constantFrom('git+ssh', 'ssh+git', 'GIT+SSH'), fc.boolean(), fc.boolean(), (o, r, scheme, dotGit, port) => {
        const url = `${scheme}://git@${port ? 'ssh.github.com:443' : 'github.com'}/${o}/${r}${dotGit ? '.git' : ''}`;
        assert.deepEqual(parseGitHubRemote(url), { owner: o, repo: r, host: 'github.com' });
      }),
    );
  });

  it('git+ssh:// on an enterprise host counts when the host is listed', () => {
    assert.deepEqual(parseGitHubRemote('git+ssh://git@ghe.corp.example:2222/team/app.git', { enterpriseHosts: ['https://ghe.corp.example'] }), { owner: 'team', repo: 'app', host: 'ghe.corp.example' });
    assert.equal(parseGitHubRemote('git+ssh://git@gitlab.com/team/app.git'), null);
    assert.equal(parseGitHubRemote('git+http://github.com/team/app.git'), null);
  });

  it('stripCredentials keeps the ssh user, drops http(s) user info, masks query credentials and known secrets', () => {
    assert.equal(stripCredentials('git+ssh://git@github.com/o/r.git'), 'git+ssh://git@github.com/o/r.git');
    assert.equal(stripCredentials('git+ssh://git:pw@github.com/o/r.git'), 'git+ssh://git@github.com/o/r.git');
    assert.equal(stripCredentials('https://tok@github.com/o/r.git?access_token=abc&private_token=def'), 'https://github.com/o/r.git?access_token=***&private_token=***');
    const forget = registerSecret('known-value-123');
    try {
      assert.equal(stripCredentials('https://example.com/known-value-123/r.git'), 'https://example.com/***/r.git');
    } finally {
      forget();
    }
  });
});
