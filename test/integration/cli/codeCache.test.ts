/**
 * The CLI executable's code cache (src/cli/codeCache.ts, src/cliEntry.ts): the real entry bundled as
 * esbuild.mjs bundles it, in front of a small `cli-main.js` and a chunk, run as node processes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CODE_CACHE_DIR } from '../../../src/cli/codeCache';
import { projectRoot } from './cliRunner';

const MAIN = `'use strict';
exports.runCli = () => {
  const chunk = require('./cli-x.js');
  const main = require.main;
  process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), chunk: chunk.hello(), file: __filename, dir: __dirname, mainIsEntry: main === process.mainModule && /cli\\.js$/.test(main.filename), resolved: require.resolve('./cli-x.js') }));
  process.exitCode = 3;
};
`;
const CHUNK = `'use strict';\nexports.hello = function hello() { return 'hello from the chunk'; };\n`;

describe('the CLI code cache (dist/cli.js in front of dist/cli-main.js)', function () {
  this.timeout(60_000);
  let dir: string;
  const cacheOf = (name: string) => path.join(dir, CODE_CACHE_DIR, `${name}.bin`);
  const keyOf = (source: string) => `${crc32(source).toString(16)} ${source.length} ${process.version} ${process.arch}\n`;
  const run = (env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), 'repo', '--json'], { env: { ...process.env, SDLC_CODE_CACHE: '', ...env }, encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 3); // the exit code the command set
    return JSON.parse(r.stdout) as { argv: string[]; chunk: string; file: string; dir: string; mainIsEntry: boolean; resolved: string };
  };
  const expectRan = () => {
    const out = run();
    assert.deepEqual(out, { argv: ['repo', '--json'], chunk: 'hello from the chunk', file: path.join(dir, 'cli-main.js'), dir, mainIsEntry: true, resolved: path.join(dir, 'cli-x.js') });
  };

  beforeEach(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sdlc-code-cache-'));
    // The entry bundled with esbuild.mjs's options for it: a shebang, cli-main.js left to run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('esbuild') as typeof import('esbuild')).buildSync({
      entryPoints: [path.join(projectRoot, 'src', 'cliEntry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: path.join(dir, 'cli.js'),
      external: ['./cli-main.js'],
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'silent',
    });
    writeFileSync(path.join(dir, 'cli-main.js'), MAIN);
    writeFileSync(path.join(dir, 'cli-x.js'), CHUNK);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes each bundle’s cache on the first run, named by what it was made from, and takes it on the next (the file is not written again)', function () {
    expectRan();
    for (const [name, source] of [['cli-main.js', MAIN], ['cli-x.js', CHUNK]]) {
      const bytes = readFileSync(cacheOf(name));
      const key = keyOf(source);
      assert.equal(bytes.toString('latin1', 0, key.length), key, name);
      assert.ok(bytes.length > key.length + 100, `${name}: V8's data follows the key`);
    }
    assert.ok(!existsSync(cacheOf('cli.js')), 'the entry itself runs before the hook');
    const before = statSync(cacheOf('cli-main.js'), { bigint: true });
    expectRan();
    const after = statSync(cacheOf('cli-main.js'), { bigint: true });
    assert.deepEqual([after.ino, after.mtimeNs], [before.ino, before.mtimeNs], 'an accepted cache is not written again');
  });

  it('makes the cache again when the bundle changed, when V8 rejects it, and runs unchanged either way', function () {
    expectRan();
    const changed = MAIN.replace("'use strict';", "'use strict'; // rebuilt");
    writeFileSync(path.join(dir, 'cli-main.js'), changed);
    expectRan();
    assert.equal(readFileSync(cacheOf('cli-main.js')).toString('latin1', 0, keyOf(changed).length), keyOf(changed), 'made from the new bundle');

    // The right key in front of data V8 does not take (another build's, damaged): rejected, made again.
    const junk = Buffer.concat([Buffer.from(keyOf(changed), 'latin1'), Buffer.alloc(4096, 7)]);
    writeFileSync(cacheOf('cli-main.js'), junk);
    expectRan();
    const remade = readFileSync(cacheOf('cli-main.js'));
    assert.notDeepEqual(remade, junk);
    assert.equal(remade.toString('latin1', 0, keyOf(changed).length), keyOf(changed));
  });

  it('does not read a cache that others may write (the file or its folder): it is made again', function () {
    if (process.platform === 'win32') this.skip();
    expectRan();
    const file = cacheOf('cli-main.js');
    chmodSync(file, 0o666);
    const before = statSync(file, { bigint: true });
    expectRan();
    const after = statSync(file, { bigint: true });
    assert.notEqual(after.ino, before.ino, 'replaced');
    assert.equal(Number(after.mode) & 0o777, 0o644);
    chmodSync(path.join(dir, CODE_CACHE_DIR), 0o777);
    expectRan();
    assert.notEqual(statSync(file, { bigint: true }).ino, after.ino, 'not read from a folder others may write');
    chmodSync(path.join(dir, CODE_CACHE_DIR), 0o755);
    const again = statSync(file, { bigint: true });
    expectRan();
    assert.equal(statSync(file, { bigint: true }).ino, again.ino, 'read again once only its owner may write');
  });

  it('runs without a cache where its folder cannot be made, and with SDLC_CODE_CACHE=0', function () {
    writeFileSync(path.join(dir, CODE_CACHE_DIR), 'not a folder');
    expectRan();
    assert.equal(readFileSync(path.join(dir, CODE_CACHE_DIR), 'utf8'), 'not a folder');
    rmSync(path.join(dir, CODE_CACHE_DIR));
    const out = run({ SDLC_CODE_CACHE: '0' });
    assert.equal(out.chunk, 'hello from the chunk');
    assert.ok(!existsSync(path.join(dir, CODE_CACHE_DIR)));
  });

  it('is what dist/cli.js is: the executable starts with its shebang and loads cli-main.js (node esbuild.mjs)', function () {
    const entry = path.join(projectRoot, 'dist', 'cli.js');
    if (!existsSync(entry)) this.skip();
    const text = readFileSync(entry, 'utf8');
    assert.match(text, /^#!\/usr\/bin\/env node\n/);
    assert.match(text, /require\("\.\/cli-main\.js"\)/);
    assert.ok(text.length < 10_000, `the entry holds only the loader (${text.length} bytes)`);
  });

  it('dist/cli.js starts without the node modules only some commands need (tty under supports-color, worker_threads)', function () {
    const entry = path.join(projectRoot, 'dist', 'cli.js');
    if (!existsSync(entry)) this.skip();
    // The modules the bundle registers for its command chunks are evaluated when a chunk first uses them (esbuild.mjs).
    const script = `process.argv = [process.argv[0], ${JSON.stringify(entry)}, '--version'];
      process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (tty|worker_threads)$/.test(m)))));
      require(${JSON.stringify(entry)});`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.match(r.stdout, /\d+\.\d+\.\d+/);
    assert.deepEqual(JSON.parse(r.stderr), []);
  });
});
