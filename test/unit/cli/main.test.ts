import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { main, pipeSafeWriter, slices, WRITE_SLICE, type CliServices } from '../../../src/cli';
import fc from 'fast-check';
import { COMMANDS } from '../../../src/cli/commands';
import { githubOptionsFromEnv, enterpriseHostsFromEnv } from '../../../src/cli/env';
import { SdlcError } from '../../../src/core/errors';
import type { Git, RepoSnapshot } from '../../../src/core/git/git';
import { GitError } from '../../../src/core/git/gitError';

const snapshot: RepoSnapshot = {
  root: '/repos/app',
  head: { branch: 'main', sha: 'a'.repeat(40), detached: false },
  upstream: 'origin/main',
  ahead: 1,
  behind: 2,
  branches: [{ name: 'main', sha: 'a'.repeat(40), current: true, upstream: 'origin/main', ahead: 1, behind: 2 }],
  tags: [
    { name: 'v1.2.0', sha: 'b'.repeat(40), version: '1.2.0' },
    { name: 'v1.10.0', sha: 'c'.repeat(40), version: '1.10.0' },
  ],
  remotes: [{ name: 'origin', url: 'https://github.com/acme/app.git', github: { owner: 'acme', repo: 'app' } }],
  changes: { staged: 1, unstaged: 0, untracked: 3, conflicted: 0 },
  remoteBranches: [],
  files: [],
  empty: false,
  shallow: false,
  operation: null,
  aheadBehindComplete: true,
};

function fakeServices(overrides: { snapshot?: () => Promise<RepoSnapshot>; root?: () => Promise<string> } = {}): CliServices & { roots: string[] } {
  const roots: string[] = [];
  return {
    roots,
    discoverRepository: async (dir) => {
      roots.push(dir);
      const root = overrides.root ? await overrides.root() : '/repos/app';
      return { root, gitDir: `${root}/.git`, shallow: false };
    },
    createGit: (root, { logger }) =>
      ({
        root,
        snapshot: async () => {
          logger.debug('[Git] > git status [1ms]');
          return overrides.snapshot ? overrides.snapshot() : snapshot;
        },
        gitDir: async () => `${root}/.git`,
        user: async () => ({ name: null, email: null }),
      }) as unknown as Git,
  };
}

async function run(argv: string[], services: CliServices = fakeServices(), env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: os.tmpdir() }, services);
  return { code, stdout, stderr };
}

describe('cli/main (in process, fake git)', () => {
  it('--help lists every command of the design; unbuilt ones are marked coming soon', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const name of ['repo', 'bump', 'changelog', 'test', 'package', 'release', 'deploy', 'deployments', 'audit verify']) {
      assert.match(stdout, new RegExp(`^  ${name} `, 'm'), name);
    }
    for (const c of COMMANDS) {
      const line = stdout.split('\n').find((l) => l.startsWith(`  ${c.name} `))!;
      assert.equal(line.includes('(coming soon)'), !c.run, line);
    }
  });

  it('COMMAND --help shows its options', async () => {
    const { code, stdout } = await run(['bump', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: sdlc bump \[auto\|major\|minor\|patch\|prerelease\|X\.Y\.Z\]/);
    assert.match(stdout, /--preid ID/);
    assert.doesNotMatch(stdout, /coming soon/, 'bump is implemented (issue 4)');
  });

  it('--help --json and --version --json print one JSON document', async () => {
    const help = await run(['--help', '--json']);
    assert.deepEqual(
      (JSON.parse(help.stdout) as { commands: Array<{ name: string }> }).commands.map((c) => c.name),
      COMMANDS.map((c) => c.name),
    );
    const version = await run(['--version', '--json']);
    assert.match((JSON.parse(version.stdout) as { version: string }).version, /^\d+\.\d+\.\d+/);
    assert.match((await run(['--version'])).stdout, /^\d+\.\d+\.\d+.*\n$/);
  });

  it('no command → usage error, exit 2', async () => {
    const { code, stderr, stdout } = await run([]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /sdlc: No command given/);
  });

  it('repo --json prints the snapshot as one document on stdout, nothing on stderr', async () => {
    const { code, stdout, stderr } = await run(['repo', '--json']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.deepEqual(JSON.parse(stdout), snapshot);
  });

  it('repo without --json prints a summary a person reads', async () => {
    const { code, stdout } = await run(['repo']);
    assert.equal(code, 0);
    assert.match(stdout, /^\/repos\/app\n/);
    assert.match(stdout, /HEAD +main \(aaaaaaa\) → origin\/main ↑1 ↓2/);
    assert.match(stdout, /Changes +1 staged, 3 untracked/);
    assert.match(stdout, /Branches +1 \(main\)/);
    assert.match(stdout, /Tags +2, latest release v1\.10\.0/);
    assert.match(stdout, /Remotes +origin {2}https:\/\/github\.com\/acme\/app\.git {2}\(GitHub acme\/app\)/);
  });

  it('--cwd is resolved and handed to repository discovery', async () => {
    const services = fakeServices();
    await run(['repo', '--cwd', '.'], services);
    assert.deepEqual(services.roots, [os.tmpdir()]);
  });

  const errors: Array<{ title: string; argv: string[]; services?: CliServices; code: number; error: string }> = [
    { title: 'unknown flag', argv: ['repo', '--json', '--bogus'], code: 2, error: 'UnknownOption' },
    { title: 'unknown command', argv: ['nope', '--json'], code: 2, error: 'UnknownCommand' },
    { title: '--cwd not a directory', argv: ['repo', '--json', '--cwd', '/definitely/not/here'], code: 2, error: 'NotADirectory' },
    {
      title: 'not a git repository',
      argv: ['repo', '--json'],
      services: fakeServices({ root: () => Promise.reject(new GitError('NotARepository', '/tmp is not a git repository')) }),
      code: 2,
      error: 'NotARepository',
    },
    {
      title: 'a failed operation',
      argv: ['repo', '--json'],
      services: fakeServices({ snapshot: () => Promise.reject(new GitError('RepositoryLocked', 'index.lock exists')) }),
      code: 1,
      error: 'RepositoryLocked',
    },
    { title: 'an unexpected error', argv: ['repo', '--json'], services: fakeServices({ snapshot: () => Promise.reject(new TypeError('oops')) }), code: 1, error: 'Internal' },
    {
      title: 'a usage SdlcError from a command',
      argv: ['repo', '--json'],
      services: fakeServices({ snapshot: () => Promise.reject(new SdlcError('InvalidConfig', 'bad', { usage: true })) }),
      code: 2,
      error: 'InvalidConfig',
    },
  ];
  for (const c of errors) {
    it(`${c.title} → exit ${c.code}, stderr exactly { error: { code: ${c.error}, message } }, empty stdout`, async () => {
      const { code, stdout, stderr } = await run(c.argv, c.services);
      assert.equal(code, c.code);
      assert.equal(stdout, '');
      assert.ok(stderr.endsWith('\n') && stderr.trim().split('\n').length === 1, stderr);
      const doc = JSON.parse(stderr) as { error: { code: string; message: string } };
      assert.deepEqual(Object.keys(doc), ['error']);
      assert.deepEqual(Object.keys(doc.error), ['code', 'message']);
      assert.equal(doc.error.code, c.error);
      assert.ok(doc.error.message.length > 0);
    });
  }

  it('without --json an error is one line `sdlc: <message>` on stderr', async () => {
    const { code, stdout, stderr } = await run(['repo', '--bogus']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^sdlc: Unknown option '--bogus'.*\n$/);
    assert.equal(stderr.split('\n').length, 2);
  });

  it('never prints the GitHub token, even inside an error message', async () => {
    const token = 'not-a-real-token-value-123';
    const services = fakeServices({ snapshot: () => Promise.reject(new SdlcError('AuthFailed', `rejected ${token}`)) });
    const { stderr } = await run(['repo', '--json'], services, { GITHUB_TOKEN: token });
    assert.ok(!stderr.includes(token), stderr);
  });

  it('redacts every secret of its environment from documents, text, errors and log lines (issue 8 #13)', async () => {
    const env = { GITHUB_TOKEN: 'gh-token-0001', NPM_TOKEN: 'npm-token-0002', DB_PASSWORD: 'db-pass-0003', SIGNING_KEY: 'signing-key-0004', PATH_HINT: 'not-secret-0005' };
    const leaky: RepoSnapshot = {
      ...snapshot,
      remotes: [
        { name: 'a', url: 'https://gh-token-0001@github.com/acme/app.git', github: { owner: 'acme', repo: 'app' } },
        { name: 'b', url: 'https://x.example/?access_token=qs-0006', github: null },
      ],
      branches: [{ ...snapshot.branches[0], name: 'npm-token-0002' }],
    };
    const services = fakeServices({ snapshot: async () => leaky });
    for (const argv of [['repo', '--json', '--verbose'], ['repo', '--verbose']]) {
      const { code, stdout, stderr } = await run(argv, services, env);
      assert.equal(code, 0);
      for (const secret of ['gh-token-0001', 'npm-token-0002', 'qs-0006']) assert.ok(!(stdout + stderr).includes(secret), `${secret} in ${argv.join(' ')}: ${stdout}`);
      assert.ok(stdout.includes('not-secret') || !stdout.includes('0005'));
      if (argv.includes('--json')) {
        const doc = JSON.parse(stdout) as RepoSnapshot;
        assert.equal(doc.remotes[0].url, 'https://***@github.com/acme/app.git');
        assert.equal(doc.branches[0].name, '***');
      }
    }
    const failing = fakeServices({ snapshot: () => Promise.reject(new SdlcError('X', 'db-pass-0003 and signing-key-0004 rejected')) });
    for (const json of [true, false]) {
      const { stderr } = await run(['repo', ...(json ? ['--json'] : []), '--verbose'], failing, env);
      assert.ok(!stderr.includes('db-pass-0003') && !stderr.includes('signing-key-0004'), stderr);
    }
    // The secrets of one run are forgotten after it.
    const after = await run(['repo', '--json'], fakeServices({ snapshot: async () => ({ ...snapshot, branches: [{ ...snapshot.branches[0], name: 'npm-token-0002' }] }) }));
    assert.equal((JSON.parse(after.stdout) as RepoSnapshot).branches[0].name, 'npm-token-0002');
  });

  it('never says "See the log" (the CLI has none without --verbose): git failures point to --verbose, internal errors too', async () => {
    const unknown = fakeServices({ snapshot: () => Promise.reject(new GitError('Unknown', 'git status failed (exit code 128): boom.')) });
    const plain = await run(['repo', '--json'], unknown);
    assert.match(parseErr(plain.stderr).message, /Run again with --verbose to see git's full output\.$/);
    assert.doesNotMatch(plain.stderr, /See the log/i);
    const verbose = await run(['repo', '--json', '--verbose'], unknown);
    assert.doesNotMatch(verbose.stderr, /Run again with --verbose/);
    const internal = await run(['repo'], fakeServices({ snapshot: () => Promise.reject(new TypeError('oops')) }));
    assert.match(internal.stderr, /^sdlc: oops \(an internal error: run again with --verbose for details\)\n$/);
  });

  it('--verbose logs to stderr only; stdout keeps exactly one document', async () => {
    const { code, stdout, stderr } = await run(['repo', '--json', '--verbose']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), snapshot);
    assert.match(stderr, /\[debug\] \[Git\] > git status/);
    assert.equal((await run(['repo', '--json'])).stderr, '');
  });
});

function parseErr(stderr: string): { code: string; message: string } {
  return (JSON.parse(stderr) as { error: { code: string; message: string } }).error;
}

describe('cli/env', () => {
  it('GitHub options: GITHUB_TOKEN, else GH_TOKEN; GITHUB_API_URL, default api.github.com', () => {
    assert.deepEqual(githubOptionsFromEnv({}), { baseUrl: 'https://api.github.com' });
    assert.deepEqual(githubOptionsFromEnv({ GH_TOKEN: 'gh-tok' }), { baseUrl: 'https://api.github.com', token: 'gh-tok' });
    assert.deepEqual(githubOptionsFromEnv({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' }).token, 'a');
    assert.deepEqual(githubOptionsFromEnv({ GITHUB_TOKEN: ' ', GH_TOKEN: 'b' }).token, 'b');
    assert.equal(githubOptionsFromEnv({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }).baseUrl, 'https://ghe.example.com/api/v3');
    assert.equal(githubOptionsFromEnv({}, 'sdlc/1.0').userAgent, 'sdlc/1.0');
  });

  it('a bad GITHUB_API_URL is a usage error that does not echo the token', () => {
    assert.throws(
      () => githubOptionsFromEnv({ GITHUB_API_URL: 'ftp://x/secret-token-1234', GITHUB_TOKEN: 'secret-token-1234' }),
      (e: unknown) => e instanceof SdlcError && e.usage && e.code === 'InvalidEnvironment' && !e.message.includes('secret-token-1234'),
    );
  });

  it('enterprise hosts from GITHUB_SERVER_URL / GITHUB_API_URL, not github.com', () => {
    assert.deepEqual(enterpriseHostsFromEnv({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_API_URL: 'https://api.github.com' }), []);
    assert.deepEqual(enterpriseHostsFromEnv({ GITHUB_SERVER_URL: 'https://ghe.corp', GITHUB_API_URL: 'https://ghe.corp/api/v3' }), ['ghe.corp']);
  });
});

describe('writing large output', () => {
  const writerTo = (pieces: string[], fail?: NodeJS.ErrnoException) => {
    let onError: ((e: NodeJS.ErrnoException) => void) | undefined;
    const stream = {
      on: (_event: string, handler: (e: NodeJS.ErrnoException) => void) => void (onError = handler),
      write: (piece: string) => {
        pieces.push(piece);
        if (fail && pieces.length === 2) onError?.(fail);
        return true;
      },
    } as unknown as Pick<NodeJS.WriteStream, 'on' | 'write'>;
    return pipeSafeWriter(stream);
  };

  it('property: the pieces are the text, in order, none longer than WRITE_SLICE, no surrogate pair split', () => {
    // Any characters after a run that ends near a slice boundary (1 or 2 UTF-16 units each).
    const unit = fc.constantFrom('a', 'é', '😀', '\n');
    const near = (k: number) => fc.integer({ min: k * WRITE_SLICE - 4, max: k * WRITE_SLICE + 4 });
    const lead = fc.oneof(near(1), near(2), fc.integer({ min: 0, max: 3 * WRITE_SLICE }));
    const texts = fc.tuple(lead, fc.array(unit, { minLength: 1, maxLength: 40 })).map(([n, tail]) => 'x'.repeat(n) + tail.join('').repeat(3));
    fc.assert(
      fc.property(texts, (text) => {
        const pieces: string[] = [];
        writerTo(pieces)(text);
        assert.equal(pieces.join(''), text);
        assert.ok(pieces.every((p) => p.length <= WRITE_SLICE));
        // Each piece is valid UTF-16 on its own, so each encodes to the bytes of its characters.
        assert.deepEqual(Buffer.concat(pieces.map((p) => Buffer.from(p))), Buffer.from(text));
        if (text.length > WRITE_SLICE) assert.ok(pieces.length >= 2);
      }),
      { numRuns: 60 },
    );
  });

  it('a pair of surrogates across the slice boundary stays in one piece; a small text is one piece', () => {
    const text = `${'x'.repeat(WRITE_SLICE - 1)}😀tail`;
    assert.deepEqual([...slices(text)].map((p) => p.length), [WRITE_SLICE - 1, 6]);
    assert.deepEqual([...slices('short')], ['short']);
  });

  it('stops writing once the reader closed the pipe (EPIPE)', () => {
    const pieces: string[] = [];
    writerTo(pieces, Object.assign(new Error('EPIPE'), { code: 'EPIPE' }))('y'.repeat(5 * WRITE_SLICE));
    assert.equal(pieces.length, 2);
  });
});
