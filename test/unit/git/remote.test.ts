import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGitHubRemote, stripCredentials } from '../../../src/core/github/remote';

describe('parseGitHubRemote', () => {
  const table: Array<[string, { owner: string; repo: string; host: string } | null, string[]?]> = [
    ['https://github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['https://github.com/octo/hello', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['https://github.com/octo/hello/', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['https://user:ghp_secret@github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['https://x-access-token@github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['http://github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['ssh://git@github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['ssh://git@ssh.github.com:443/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['git@github.com:octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['github.com:octo/hello', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['git://github.com/octo/hello.git', { owner: 'octo', repo: 'hello', host: 'github.com' }],
    ['https://GitHub.com/Octo/Hello.World.git', { owner: 'Octo', repo: 'Hello.World', host: 'github.com' }],
    ['https://ghe.corp.example/team/app.git', { owner: 'team', repo: 'app', host: 'ghe.corp.example' }, ['ghe.corp.example']],
    ['git@ghe.corp.example:team/app.git', { owner: 'team', repo: 'app', host: 'ghe.corp.example' }, ['https://ghe.corp.example/']],
    ['ssh://git@ghe.corp.example:2222/team/app.git', { owner: 'team', repo: 'app', host: 'ghe.corp.example' }, ['ghe.corp.example']],
    ['http://127.0.0.1:8123/o/r.git', { owner: 'o', repo: 'r', host: '127.0.0.1:8123' }, ['127.0.0.1']],
    ['https://ghe.corp.example/team/app.git', null],
    ['https://gitlab.com/octo/hello.git', null],
    ['git@gitlab.com:octo/hello.git', null],
    ['http://127.0.0.1:8123/x.git', null],
    ['http://127.0.0.1:8123/o/r.git', null],
    ['https://github.com/octo', null],
    ['https://github.com/octo/hello/tree/main', null],
    ['/srv/git/hello.git', null],
    ['../hello', null],
    ['file:///srv/git/octo/hello.git', null],
    ['', null],
  ];
  for (const [url, expected, hosts] of table) {
    it(`${url || '(empty)'}${hosts ? ` [${hosts.join(',')}]` : ''} → ${expected ? `${expected.owner}/${expected.repo}` : 'null'}`, () => {
      assert.deepEqual(parseGitHubRemote(url, { enterpriseHosts: hosts }), expected);
    });
  }

  const owner = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,20}$/);
  const repo = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/).filter((r) => !/\.git$/i.test(r) && r !== '.' && r !== '..');
  const secret = fc.stringMatching(/^[A-Za-z0-9]{4,20}$/);

  it('property: every URL form of a github.com repository gives back owner and repo', () => {
    fc.assert(
      fc.property(owner, repo, secret, fc.nat(5), fc.boolean(), (o, r, s, form, dotGit) => {
        const suffix = dotGit ? '.git' : '';
        const urls = [
          `https://github.com/${o}/${r}${suffix}`,
          `https://user:${s}@github.com/${o}/${r}${suffix}`,
          `ssh://git@github.com/${o}/${r}${suffix}`,
          `git@github.com:${o}/${r}${suffix}`,
          `git://github.com/${o}/${r}${suffix}`,
          `ssh://git@ssh.github.com:443/${o}/${r}${suffix}`,
        ];
        assert.deepEqual(parseGitHubRemote(urls[form]), { owner: o, repo: r, host: 'github.com' });
      }),
    );
  });

  it('property: other hosts are not GitHub unless listed', () => {
    const host = fc.stringMatching(/^[a-z]{1,10}\.(com|org|io)$/).filter((h) => h !== 'github.com');
    fc.assert(
      fc.property(host, owner, repo, (h, o, r) => {
        assert.equal(parseGitHubRemote(`https://${h}/${o}/${r}.git`), null);
        assert.deepEqual(parseGitHubRemote(`https://${h}/${o}/${r}.git`, { enterpriseHosts: [h] }), { owner: o, repo: r, host: h });
      }),
    );
  });
});

describe('stripCredentials', () => {
  it('removes user info of http(s) URLs and passwords of ssh URLs', () => {
    assert.equal(stripCredentials('https://alice:pw@github.com/o/r.git'), 'https://github.com/o/r.git');
    assert.equal(stripCredentials('https://ghp_token@github.com/o/r.git'), 'https://github.com/o/r.git');
    assert.equal(stripCredentials('http://u:p@127.0.0.1:9/x.git'), 'http://127.0.0.1:9/x.git');
    assert.equal(stripCredentials('ssh://git:pw@host/o/r.git'), 'ssh://git@host/o/r.git');
    assert.equal(stripCredentials('git@github.com:o/r.git'), 'git@github.com:o/r.git');
    assert.equal(stripCredentials('https://github.com/o/r.git'), 'https://github.com/o/r.git');
  });

  it('property: a secret in the URL never survives', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), fc.stringMatching(/^[A-Za-z0-9]{6,30}$/), (user, secret) => {
        const out = stripCredentials(`https://${user}:${secret}@example.com/o/r.git`);
        assert.equal(out, 'https://example.com/o/r.git');
      }),
    );
  });
});
