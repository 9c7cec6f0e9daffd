/**
 * (issue 12) Package checksums and release uploads:
 * - sha256 of a 1 GiB artifact: ours (streamed, `sha256File`) against `sha256sum` of the same file,
 *   interleaved; ratio = sha256sum's time / ours (our throughput relative to it). Target ≥ 0.8×.
 * - peak memory of hashing that file, and of uploading a 200 MB asset to the fake GitHub through
 *   `upload_url` (streamed from disk), each in a child process: maxRSS above the process's idle RSS.
 *   Target: under 64 MB.
 * Correctness: our sha256 equals sha256sum's; the uploaded size equals the file's.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { sha256File } from '../../src/core/packaging/checksum';
import { startFakeGitHub } from '../support/fakeGithub';
import { type BenchContext, type BenchModule, type Row, BenchCorrectnessError, median, mulberry32, timeInterleaved } from './context';

const GIB = 1024 * 1024 * 1024;
const UPLOAD = 200 * 1024 * 1024;
const MB = 1024 * 1024;

function makeFile(file: string, bytes: number, seed: number): void {
  if (existsSync(file) && statSync(file).size === bytes) return;
  const random = mulberry32(seed);
  const block = Buffer.alloc(MB);
  for (let i = 0; i < MB; i += 4) block.writeUInt32LE(Math.floor(random() * 0x100000000), i);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += MB) {
      block.writeUInt32LE(written / MB, 0); // no two blocks alike
      writeSync(fd, block, 0, Math.min(MB, bytes - written));
    }
  } finally {
    closeSync(fd);
  }
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { maxBuffer: 16 * MB, env, encoding: 'utf8' }, (e, stdout, stderr) => (e ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || e.message}`)) : resolve(stdout))),
  );
}

function child(ctx: BenchContext, args: string[]): Promise<{ idleRss: number; peakRss: number; sha256?: string; size?: number }> {
  const script = path.join(ctx.projectRoot, 'test', 'bench', 'packagingChild.ts');
  return exec(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', script, ...args]).then((out) => JSON.parse(out) as { idleRss: number; peakRss: number });
}

const fmtMb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

export const packagingBench: BenchModule = {
  name: 'packaging: sha256 + release upload',
  async run(ctx: BenchContext): Promise<Row[]> {
    const dir = path.join(ctx.cacheDir, 'packaging');
    mkdirSync(dir, { recursive: true });
    const big = path.join(dir, 'artifact-1g.bin');
    const upload = path.join(dir, 'asset-200m.bin');
    ctx.log('writing the 1 GiB and 200 MB files (cached)…');
    makeFile(big, GIB, 12);
    makeFile(upload, UPLOAD, 13);
    const rows: Row[] = [];

    let ours = '';
    let theirs = '';
    const times = await timeInterleaved(
      {
        ours: async () => (ours = (await sha256File(big)).sha256),
        sha256sum: async () => (theirs = (await exec('sha256sum', [big])).split(/\s+/)[0]),
      },
      ctx.repeats,
    );
    if (ours !== theirs) throw new BenchCorrectnessError(`sha256 of the 1 GiB file: ours ${ours}, sha256sum ${theirs}`);
    const oursMs = median(times.ours);
    const baseMs = median(times.sha256sum);
    const ratio = baseMs / oursMs;
    rows.push({
      measurement: 'sha256 of 1 GiB (throughput vs sha256sum)',
      ours: `${(oursMs / 1000).toFixed(2)} s (${(1024 / (oursMs / 1000)).toFixed(0)} MB/s)`,
      baseline: `${(baseMs / 1000).toFixed(2)} s`,
      ratio: `${ratio.toFixed(2)}×`,
      target: '≥ 0.8×',
      status: ratio >= 0.8 ? 'PASS' : 'MISS',
    });

    const hash = await child(ctx, ['hash', big]);
    if (hash.sha256 !== theirs) throw new BenchCorrectnessError('child hash differs');
    const hashExtra = hash.peakRss - hash.idleRss;
    rows.push({ measurement: 'peak memory hashing 1 GiB (above idle)', ours: fmtMb(hashExtra), baseline: `idle ${fmtMb(hash.idleRss)}`, ratio: '', target: '< 64 MB', status: hashExtra < 64 * MB ? 'PASS' : 'MISS' });

    const gh = await startFakeGitHub({ tokens: ['bench-token'] });
    try {
      gh.state.addRepo({ owner: 'octo', repo: 'app' });
      gh.state.addTag('octo', 'app', { name: 'v1.0.0', sha: 'a'.repeat(40) });
      const t0 = Date.now();
      const up = await child(ctx, ['upload', upload, gh.url, 'bench-token']);
      const ms = Date.now() - t0;
      if (up.size !== UPLOAD) throw new BenchCorrectnessError(`uploaded ${up.size} bytes of ${UPLOAD}`);
      if (gh.violations.length) throw new BenchCorrectnessError(`fake GitHub violations: ${JSON.stringify(gh.violations).slice(0, 300)}`);
      const extra = up.peakRss - up.idleRss;
      rows.push({ measurement: 'peak memory uploading 200 MB (above idle)', ours: fmtMb(extra), baseline: `idle ${fmtMb(up.idleRss)}`, ratio: '', target: '< 64 MB', status: extra < 64 * MB ? 'PASS' : 'MISS', note: `whole publish ${(ms / 1000).toFixed(1)} s` });
    } finally {
      await gh.close();
    }
    if (process.env.SDLC_BENCH_KEEP !== '1') rmSync(big, { force: true });
    return rows;
  },
};
