/**
 * Child process of the packaging bench, so its memory is measured alone (the fake GitHub and the
 * bench runner live in the parent):
 *   hash FILE                      → { sha256, idleRss, peakRss }
 *   upload FILE API_URL TOKEN      → { idleRss, peakRss, size }   (one asset through upload_url)
 * idleRss: the process after loading what the work needs; peakRss: maxRSS at the end (bytes).
 */
import { sha256File } from '../../src/core/packaging/checksum';
import { createGitHub } from '../../src/core/github/octokitAdapter';
import { Releases } from '../../src/core/github/releases';

async function main(): Promise<void> {
  const [mode, file, apiUrl, token] = process.argv.slice(2);
  if (mode === 'hash') {
    global.gc?.();
    const idleRss = process.memoryUsage().rss;
    const { sha256 } = await sha256File(file);
    process.stdout.write(JSON.stringify({ sha256, idleRss, peakRss: process.resourceUsage().maxRSS * 1024 }));
    return;
  }
  const github = await createGitHub({ baseUrl: apiUrl, token, retry: { retries: 0 }, throttle: { writeSpacingMs: 0 } });
  const releases = new Releases(github, { owner: 'octo', repo: 'app' }, { token });
  await releases.list(); // octokit loaded and warm before the idle measurement
  global.gc?.();
  const idleRss = process.memoryUsage().rss;
  const result = await releases.publish({ tag: 'v1.0.0', notes: 'bench', assets: [file] });
  const asset = result.release.assets.find((a) => a.name !== 'SHA256SUMS');
  process.stdout.write(JSON.stringify({ idleRss, peakRss: process.resourceUsage().maxRSS * 1024, size: asset?.size ?? 0 }));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e));
  process.exitCode = 1;
});
