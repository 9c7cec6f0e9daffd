/**
 * (c) What activation loads: the production `extension.js` (target ≤ 300 KB). octokit is not part of
 * it — it is the separate, lazily required `octokit.js` chunk, printed for context. Built into a
 * temporary folder (`esbuild.mjs --outdir=`) so the development build in dist/ is left alone.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BenchContext, type BenchModule, type Row, fmtKB, run } from './context';

const LIMIT = 300 * 1024;

export const bundleSize: BenchModule = {
  name: 'activation bundle size',
  async run(ctx: BenchContext): Promise<Row[]> {
    const out = mkdtempSync(path.join(tmpdir(), 'sdlc-bench-bundle-'));
    try {
      try {
        await run(process.execPath, ['esbuild.mjs', '--production', `--outdir=${out}`], { cwd: ctx.projectRoot });
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr ?? String(e);
        return [{ measurement: 'extension.js (production)', ours: '—', baseline: '', ratio: '', target: '≤ 300 KB', status: 'SKIP', note: `production build failed: ${stderr.split('\n').slice(0, 3).join(' ')}` }];
      }
      const size = (name: string) => {
        try {
          const bytes = readFileSync(path.join(out, name));
          return { raw: statSync(path.join(out, name)).size, gzip: gzipSync(bytes, { level: 9 }).length, text: bytes.toString('utf8') };
        } catch {
          return null;
        }
      };
      const ext = size('extension.js');
      const octokit = size('octokit.js');
      const cli = size('cli-main.js');
      if (!ext) return [{ measurement: 'extension.js (production)', ours: '—', baseline: '', ratio: '', target: '≤ 300 KB', status: 'SKIP', note: 'no extension.js in the build output' }];
      // octokit must stay out of the activation bundle: it is required from ./octokit.js at run time.
      const octokitInside = /api\.github\.com\/graphql|octokit-core\.js|@octokit\/core/.test(ext.text);
      ctx.log(`extension.js ${fmtKB(ext.raw)} (gzip ${fmtKB(ext.gzip)}); octokit.js ${octokit ? `${fmtKB(octokit.raw)} (gzip ${fmtKB(octokit.gzip)})` : 'missing'}; cli-main.js ${cli ? fmtKB(cli.raw) : 'missing'}`);
      const rows: Row[] = [
        {
          measurement: 'extension.js (production, activation)',
          ours: fmtKB(ext.raw),
          baseline: '',
          ratio: '',
          target: '≤ 300 KB',
          status: ext.raw <= LIMIT && !octokitInside ? 'PASS' : 'MISS',
          note: octokitInside ? 'octokit appears to be bundled into extension.js' : undefined,
        },
        { measurement: 'extension.js gzip', ours: fmtKB(ext.gzip), baseline: '', ratio: '', target: '(info)', status: 'INFO' },
      ];
      if (octokit) rows.push({ measurement: 'octokit.js (lazy chunk, not at activation)', ours: fmtKB(octokit.raw), baseline: '', ratio: '', target: '(info)', status: 'INFO', note: `gzip ${fmtKB(octokit.gzip)}` });
      if (cli) rows.push({ measurement: 'cli-main.js (production)', ours: fmtKB(cli.raw), baseline: '', ratio: '', target: '(info)', status: 'INFO', note: `gzip ${fmtKB(cli.gzip)}` });
      return rows;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
