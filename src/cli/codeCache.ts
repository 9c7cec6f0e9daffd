/**
 * V8's code cache for the CLI's own bundles (dist/cli-main.js and the command chunks beside it): a
 * process that finds a bundle's cache skips parsing and compiling it (9–17 ms of a `sdlc repo` on the
 * bench machine, whose process takes ~110 ms before any of our code runs). Node 20 has no
 * `module.enableCompileCache` (22.1+), so a compile hook does what v8-compile-cache does, with three
 * differences that are the reasons it is not used: the cache lives beside the bundles (v8-compile-cache
 * keeps it in the shared temp folder, where another user could plant one: a cache is code), it is made
 * when the process ends (so it holds every function the command compiled, not only the top level),
 * and it is written whole or not at all (a temporary file renamed over it).
 *
 * Each cache file starts with a line naming what it was made from (the bundle's CRC-32 and length,
 * node's version and architecture); anything else there, or a cache V8 rejects, is made again at the
 * end of the run. (A CRC tells a rebuilt bundle from the old one, which is all the key is for, and
 * needs no node:crypto, whose load cost a `sdlc repo` ~3–5 ms.)
 * Where the folder cannot be written (an install owned by another user) nothing is cached and nothing
 * is reported: the cache only saves time. A cache file or folder that others may write, or that
 * belongs to someone other than this user or the bundles' owner, is not read (and is replaced where it
 * can be). `SDLC_CODE_CACHE=0` turns it off.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { crc32 } from 'node:zlib';

/** The folder, beside the bundles, that holds their caches. */
export const CODE_CACHE_DIR = '.v8-cache';

interface NodeModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
interface ModuleInternals {
  prototype: NodeModule;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _cache: unknown;
  _extensions: unknown;
}

/** Compiles the `.js` files directly in `dir` with their caches (made when missing or stale) from now on. */
export function installCodeCache(dir: string, main: unknown): void {
  if (process.env.SDLC_CODE_CACHE === '0') return;
  const internals = Module as unknown as ModuleInternals;
  const compile = internals.prototype._compile;
  internals.prototype._compile = function (this: NodeModule, content: string, filename: string): unknown {
    if (path.dirname(filename) !== dir || !filename.endsWith('.js')) return compile.call(this, content, filename);
    const source = content.startsWith('#!') ? content.replace(/^#!.*/, '') : content;
    const cacheFile = path.join(dir, CODE_CACHE_DIR, `${path.basename(filename)}.bin`);
    const key = `${crc32(source).toString(16)} ${source.length} ${process.version} ${process.arch}\n`;
    const cachedData = readCache(cacheFile, key, dir);
    const script = new vm.Script(internals.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(cacheFile, key, script));
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const require = Object.assign((id: string) => this.require(id), {
      resolve: (request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, this, false, options),
      main,
      cache: internals._cache,
      extensions: internals._extensions,
    });
    return wrapper.call(this.exports, this.exports, require, this, filename, dir);
  };
}

/**
 * The cache made from this key's bundle, or undefined. Only from a file and a folder that no one but
 * their owner may write, owned by this user or by the bundles' folder's owner: a cache is code, so it
 * is trusted no more widely than the bundles beside it.
 */
function readCache(file: string, key: string, dir: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const owners = [process.getuid?.(), statSync(dir).uid];
      const trusted = (stat: Stats) => process.platform === 'win32' || ((stat.mode & 0o022) === 0 && owners.includes(stat.uid));
      if (!trusted(fstatSync(fd)) || !trusted(statSync(path.dirname(file)))) return undefined;
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return bytes.length > key.length && bytes.toString('latin1', 0, key.length) === key ? bytes.subarray(key.length) : undefined;
}

/** Writes the script's cache whole (a new file renamed over the old) or not at all. */
function writeCache(file: string, key: string, script: vm.Script): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(temporary, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()]), { flag: 'wx', mode: 0o644 });
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // (nothing was written)
    }
  }
}
