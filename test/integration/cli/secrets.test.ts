import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runInProcess } from './cliRunner';
import { initRepo, removeDir, tempDir, writeFile } from './tempRepo';

/**
 * Issue 8 #13: a suite whose output echoes secrets of the environment. The CLI's one output path
 * redacts them, whatever the command (here `sdlc test`, whose code knows nothing about secrets).
 */
describe('secrets never leave the CLI (integration, real suite process)', () => {
  let base: string;
  let repo: string;
  const env = { GITHUB_TOKEN: 'ghs_suite_echo_token_0123456789', NPM_TOKEN: 'npm-suite-token-42', DEPLOY_PASSWORD: 'deploy-pass-word-7' };
  const echo = 'console.log("token", process.env.GITHUB_TOKEN, process.env.NPM_TOKEN); console.error("pw", process.env.DEPLOY_PASSWORD, "https://" + process.env.GITHUB_TOKEN + "@github.com/o/r.git"); process.exit(1)';

  const saved: Record<string, string | undefined> = {};
  before(() => {
    // The suite is a child of this process: it inherits process.env (the CLI's io.env is what it redacts).
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    base = tempDir();
    repo = initRepo(path.join(base, 'app'));
    writeFile(repo, 'echo.js', echo + '\n');
    writeFile(repo, '.sdlc.json', JSON.stringify({ tests: [{ name: 'echo', kind: 'unit', command: 'node echo.js' }] }));
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    removeDir(base);
  });

  for (const json of [true, false]) {
    it(`sdlc test${json ? ' --json' : ''}: suite output echoing GITHUB_TOKEN, NPM_TOKEN, *_PASSWORD comes out redacted`, async () => {
      const { code, stdout, stderr } = await runInProcess(['test', ...(json ? ['--json'] : []), '--cwd', repo, '--verbose'], env);
      assert.equal(code, 1, stdout + stderr);
      for (const secret of Object.values(env)) {
        assert.ok(!stdout.includes(secret), `${secret} on stdout: ${stdout}`);
        assert.ok(!stderr.includes(secret), `${secret} on stderr: ${stderr}`);
      }
      if (json) {
        const doc = JSON.stringify(JSON.parse(stdout));
        assert.match(doc, /token \*\*\* \*\*\*/, 'the output is kept, the values masked');
      }
    });
  }
});
