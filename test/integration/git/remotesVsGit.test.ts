import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseRemoteConfig, REMOTE_CONFIG_ARGS, type RemoteRow } from '../../../src/core/git/snapshotParsers';
import { cleanupTempDirs, git, GitCommandError, makeRepo } from '../../support/repos';

/**
 * The snapshot reads the remotes from their configuration (one `git config` read) instead of
 * `git remote -v`; here both are asked of random configurations: remotes with several URLs and push
 * URLs, names with dots, and url.<base>.insteadOf / pushInsteadOf rewrites that overlap, tie and
 * apply to push URLs, in the repository's config and in the user's.
 */
describe('remotes from their configuration, against git remote -v', function () {
  this.timeout(120_000);
  after(cleanupTempDirs);

  /** `git remote -v` as rows: each remote's fetch line, and its first push line. */
  const remoteV = (out: string): RemoteRow[] => {
    const rows = new Map<string, RemoteRow>();
    for (const line of out.split('\n')) {
      const m = /^([^\t]+)\t(.*) \((fetch|push)\)$/.exec(line);
      if (!m) continue;
      const row = rows.get(m[1]) ?? { name: m[1], fetchUrl: null, pushUrl: null };
      if (m[3] === 'fetch') row.fetchUrl = m[2];
      else row.pushUrl ??= m[2];
      rows.set(m[1], row);
    }
    return [...rows.values()];
  };

  const NAMES = ['origin', 'up', 'a.b', 'Zed', 'mirror', 'x-y'];
  const URLS = ['https://github.com/o/r.git', 'git@github.com:o/r.git', 'gh:o/r', 'gh:o/other', 'ssh://host/x', 'https://gitlab.com/o/r', '../local', 'g:x'];
  const BASES = ['https://github.com/', 'git@github.com:', 'ssh://mirror/', 'https://proxy/g/', 'file:///srv/'];
  const PREFIXES = ['gh:', 'g', 'https://github.com/', 'https://', 'git@github.com:', 'ssh://host/', 'https://gitlab.com/o', 'gh:o/'];

  const remote = fc.record({
    name: fc.constantFrom(...NAMES),
    urls: fc.array(fc.constantFrom(...URLS), { maxLength: 3 }),
    pushUrls: fc.array(fc.constantFrom(...URLS), { maxLength: 2 }),
  });
  const rewrite = fc.record({ base: fc.constantFrom(...BASES), push: fc.boolean(), prefix: fc.constantFrom(...PREFIXES), user: fc.boolean() });

  it('gives the same remotes, URLs and push URLs', async () => {
    const repo = await makeRepo();
    const userConfig = path.join(repo, '.git', 'user.config');
    const env = { GIT_CONFIG_GLOBAL: userConfig };
    const base = await fs.readFile(path.join(repo, '.git', 'config'), 'utf8');
    const quote = (v: string) => `"${v}"`;
    let listed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(remote, { maxLength: 4 }), fc.array(rewrite, { maxLength: 4 }), async (remotes, rewrites) => {
        const local = [base];
        const user: string[] = [];
        for (const r of remotes) {
          local.push(`[remote ${quote(r.name)}]`, ...r.urls.map((u) => `\turl = ${quote(u)}`), ...r.pushUrls.map((u) => `\tpushurl = ${quote(u)}`), '\tprune = true');
        }
        for (const w of rewrites) (w.user ? user : local).push(`[url ${quote(w.base)}]`, `\t${w.push ? 'pushInsteadOf' : 'insteadOf'} = ${quote(w.prefix)}`);
        await fs.writeFile(path.join(repo, '.git', 'config'), local.join('\n') + '\n');
        await fs.writeFile(userConfig, user.join('\n') + '\n');
        const expected = remoteV(await git(repo, ['remote', '-v'], { env }));
        const config = await git(repo, REMOTE_CONFIG_ARGS, { env }).catch((e: unknown) => (e instanceof GitCommandError && e.exitCode === 1 ? '' : Promise.reject(e)));
        assert.deepEqual(parseRemoteConfig(config), expected, `config:\n${local.slice(1).join('\n')}\nuser:\n${user.join('\n')}`);
        listed += expected.length;
      }),
      { numRuns: 60 },
    );
    assert.ok(listed > 30, 'the runs listed remotes');
  });
});
