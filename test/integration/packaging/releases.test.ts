/**
 * GitHub Releases against the spec-validated fake GitHub: uploads through `upload_url` (its own
 * host and port), faults half way through an upload, 422 for an existing asset name, 403 without
 * the `repo` scope, resumable drafts, verified downloads, cancel during an upload.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AuditLog } from '../../../src/core/audit/auditLog';
import { SdlcError } from '../../../src/core/errors';
import type { GitHub } from '../../../src/core/github/github';
import { createGitHub } from '../../../src/core/github/octokitAdapter';
import { Releases } from '../../../src/core/github/releases';
import { parseSums } from '../../../src/core/packaging';
import { fakeReleases, useFakeGitHub } from '../../support/fakeGithub';
import { parseError, runInProcess } from '../cli/cliRunner';
import { git, initRepo, removeDir, tempDir, writeFile } from '../cli/tempRepo';

const TOKEN = 'ghp_releasetoken0001';
const REPO = { owner: 'octo', repo: 'app' };
const actor = { tool: 'cli' as const };

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<SdlcError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SdlcError, `expected an SdlcError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('packaging: GitHub Releases (fake GitHub)', function () {
  this.timeout(60_000);
  const gh = useFakeGitHub({ tokens: [TOKEN] });
  let github: GitHub;
  let scratch: string;
  let audit: AuditLog;

  const file = (name: string, content: string | Buffer) => {
    const p = path.join(scratch, 'assets', name);
    writeFile(scratch, path.join('assets', name), '');
    writeFileSync(p, content);
    return p;
  };
  const releases = (token = TOKEN) => new Releases(github, REPO, { audit: { log: audit, actor, repository: scratch }, token });

  before(async () => {
    github = await createGitHub({ baseUrl: gh().url, token: TOKEN, retry: { retries: 0 }, throttle: { writeSpacingMs: 0 } });
  });
  beforeEach(() => {
    gh().reset();
    gh().state.addRepo({ ...REPO });
    gh().state.addTag(REPO.owner, REPO.repo, { name: 'v1.0.0', sha: 'a'.repeat(40) });
    scratch = tempDir('sdlc-rel-');
    audit = new AuditLog(path.join(scratch, 'audit.jsonl'));
  });
  afterEach(() => removeDir(scratch));

  it('publishes: draft → streamed uploads on the uploads host → SHA256SUMS → published, with notes; audited', async () => {
    const a = file('app-1.0.0.tgz', randomBytes(300_000));
    const b = file('app-1.0.0.cdx.json', '{"bomFormat":"CycloneDX"}');
    const result = await releases().publish({ tag: 'v1.0.0', notes: '### Features\n\n- a thing\n', assets: [a, b] });
    assert.equal(result.created, true);
    assert.equal(result.published, true);
    assert.deepEqual(result.uploaded, ['app-1.0.0.tgz', 'app-1.0.0.cdx.json', 'SHA256SUMS']);
    const r = result.release;
    assert.equal(r.draft, false);
    assert.equal(r.body, '### Features\n\n- a thing\n');
    assert.deepEqual(r.assets.map((x) => [x.name, x.size]).sort(), [['SHA256SUMS', r.assets.find((x) => x.name === 'SHA256SUMS')!.size], ['app-1.0.0.cdx.json', 25], ['app-1.0.0.tgz', 300_000]].sort());
    // Uploads went to the uploads host (its own port), through upload_url, not to the API host.
    const uploads = gh().requests.filter((q) => q.operationId === 'repos/upload-release-asset');
    assert.equal(uploads.length, 3);
    assert.notEqual(new URL(gh().uploadsUrl).port, new URL(gh().url).port);
    assert.ok(r.uploadUrl.startsWith(gh().uploadsUrl));
    // Created as a draft first, published last.
    const writes = gh().requests.filter((q) => q.method !== 'GET').map((q) => q.operationId);
    assert.equal(writes[0], 'repos/create-release');
    assert.equal(writes.at(-1), 'repos/update-release');
    const stored = fakeReleases(gh().state).releases('octo', 'app');
    assert.equal(stored.length, 1);
    const sums = parseSums(readFileSync(stored[0].assets.find((x) => x.name === 'SHA256SUMS')!.file, 'utf8'));
    assert.equal(sums.get('app-1.0.0.tgz'), createHash('sha256').update(readFileSync(a)).digest('hex'));
    assert.deepEqual((await audit.read()).map((e) => [e.action, e.result]), [['release.publish', 'success']]);

    // Listing shows it as the latest, with download counts; a verified download.
    const list = await releases().list();
    assert.equal(list[0].latest, true);
    const got = await releases().download(list[0], 'app-1.0.0.tgz', path.join(scratch, 'dl'));
    assert.equal(got.verified, 'SHA256SUMS');
    assert.deepEqual(readFileSync(got.path), readFileSync(a));
    const again = await releases().list();
    assert.equal(again[0].assets.find((x) => x.name === 'app-1.0.0.tgz')!.downloadCount, 1);
  });

  it('a 500 half way through an upload keeps the draft; running again continues it (one release, nothing uploaded twice)', async () => {
    const a = file('one.bin', randomBytes(200_000));
    const b = file('two.bin', randomBytes(2_000_000));
    // The fault is armed when the second upload starts: it dies after 500 KB of two.bin.
    const first = releases().publish({
      tag: 'v1.0.0',
      notes: 'n',
      assets: [a, b],
      onProgress: (m) => {
        if (m.startsWith('Uploading two.bin')) fakeReleases(gh().state).failUpload({ afterBytes: 500_000 });
      },
    });
    const err = await rejectsWith(first, 'ServerError');
    assert.match(err.message, /draft release v1\.0\.0 is kept with 1 asset\(s\): run the same publish again/);
    const drafts = fakeReleases(gh().state).releases('octo', 'app');
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].draft, true);
    assert.deepEqual(drafts[0].assets.map((x) => x.name), ['one.bin']);

    const second = await releases().publish({ tag: 'v1.0.0', notes: 'n', assets: [a, b] });
    assert.equal(second.created, false);
    assert.deepEqual(second.skipped, ['one.bin']);
    assert.deepEqual(second.uploaded, ['two.bin', 'SHA256SUMS']);
    assert.equal(second.release.draft, false);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app').length, 1);
    assert.deepEqual((await audit.read()).map((e) => [e.action, e.result]), [['release.publish', 'failure'], ['release.update', 'success']]);
  });

  it('on failure with onFailure=delete the draft is deleted', async () => {
    const a = file('big.bin', randomBytes(1_000_000));
    fakeReleases(gh().state).failUpload({ afterBytes: 100_000 });
    await rejectsWith(releases().publish({ tag: 'v1.0.0', notes: 'n', assets: [a], onFailure: 'delete' }), 'ServerError', /The draft release was deleted/);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app').length, 0);
  });

  it('an asset name that exists with other content on a published release needs replace; the same content is skipped', async () => {
    fakeReleases(gh().state).addRelease('octo', 'app', { tag: 'v1.0.0', assets: [{ name: 'app.tgz', content: 'old bytes' }] });
    const same = file('app.tgz', 'old bytes');
    const skip = await releases().publish({ tag: 'v1.0.0', assets: [same] });
    assert.deepEqual(skip.skipped, ['app.tgz']);
    const changed = file('app.tgz', 'new bytes!');
    const err = await rejectsWith(releases().publish({ tag: 'v1.0.0', assets: [changed] }), 'AssetExists', /already has an asset named app\.tgz with other content\. Pass --replace/);
    assert.equal(err.usage, true);
    const replaced = await releases().publish({ tag: 'v1.0.0', assets: [changed], replace: true });
    assert.deepEqual(replaced.uploaded, ['app.tgz', 'SHA256SUMS']);
    assert.equal(replaced.release.assets.find((x) => x.name === 'app.tgz')!.size, 10);
  });

  it('the uploads host answers 422 for an existing asset name (a race with another publisher)', async () => {
    const r = fakeReleases(gh().state).addRelease('octo', 'app', { tag: 'v1.0.0', draft: true, assets: [{ name: 'x.bin', content: 'x' }] });
    const res = await fetch(`${gh().uploadsUrl}/repos/octo/app/releases/${r.id}/assets?name=x.bin`, { method: 'POST', headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/octet-stream' }, body: 'y' });
    assert.equal(res.status, 422);
    assert.equal(((await res.json()) as { errors: Array<{ code: string }> }).errors[0].code, 'already_exists');
  });

  it('403 without the repo scope: a message that names the scope; nothing is created', async () => {
    fakeReleases(gh().state).setTokenScopes(TOKEN, ['read:user']);
    const a = file('a.bin', 'a');
    await rejectsWith(releases().publish({ tag: 'v1.0.0', assets: [a] }), 'Forbidden', /needs the "repo" scope/);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app').length, 0);
  });

  it('a tag the remote lacks is refused before anything is created; a missing asset file too', async () => {
    await rejectsWith(releases().publish({ tag: 'v2.0.0', assets: [] }), 'TagNotOnRemote', /no tag v2\.0\.0\. Push it first \(git push origin v2\.0\.0\)/);
    await rejectsWith(releases().publish({ tag: 'v1.0.0', assets: [path.join(scratch, 'nope.tgz')] }), 'AssetNotFound', /does not exist/);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app').length, 0);
  });

  it('a download whose bytes do not match SHA256SUMS is deleted and reported', async () => {
    const content = 'the real artifact';
    const sha = createHash('sha256').update(content).digest('hex');
    fakeReleases(gh().state).addRelease('octo', 'app', { tag: 'v1.0.0', assets: [{ name: 'app.tgz', content }, { name: 'SHA256SUMS', content: `${sha}  app.tgz\n` }] });
    fakeReleases(gh().state).tamperAsset('octo', 'app', 'app.tgz', 'tampered bytes!!!');
    const [release] = await releases().list();
    const dir = path.join(scratch, 'dl');
    await rejectsWith(releases().download(release, 'app.tgz', dir), 'ChecksumMismatch', /The file was deleted/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('cancel during an upload stops it and keeps the draft', async () => {
    const big = file('big.bin', randomBytes(30_000_000));
    const controller = new AbortController();
    const publishing = releases().publish({ tag: 'v1.0.0', notes: 'n', assets: [big], signal: controller.signal, onProgress: (m) => m.startsWith('Uploading big.bin') && setImmediate(() => controller.abort()) });
    await rejectsWith(publishing, 'Cancelled', /is kept/);
    const stored = fakeReleases(gh().state).releases('octo', 'app');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].draft, true);
    assert.equal(stored[0].assets.filter((a) => a.state === 'uploaded').length, 0);
  });

  it('deleting an asset and a release is audited', async () => {
    const rel = fakeReleases(gh().state).addRelease('octo', 'app', { tag: 'v1.0.0', assets: [{ name: 'a.txt', content: 'a' }] });
    const [info] = await releases().list();
    await releases().deleteAsset(info.assets[0]);
    await releases().deleteRelease(rel.id);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app').length, 0);
    assert.deepEqual((await audit.read()).map((e) => [e.action, e.result]), [['release.asset.delete', 'success'], ['release.delete', 'success']]);
  });

  it('sdlc release --json: the CHANGELOG section as notes, assets + SHA256SUMS; bad input exits 2', async function () {
    this.timeout(60_000);
    const dir = initRepo(path.join(scratch, 'repo'));
    git(dir, 'remote', 'add', 'origin', 'https://github.com/octo/app.git');
    writeFile(dir, 'CHANGELOG.md', '# Changelog\n\n## [1.0.0](x) (2025-01-01)\n\n### Features\n\n- first\n\n## 0.9.0\n\n- old\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'docs: changelog');
    git(dir, 'tag', 'v1.0.0');
    const asset = file('app.tgz', 'bytes');
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh().url, SDLC_GITHUB_WRITE_SPACING_MS: '0' };
    const r = await runInProcess(['release', '--cwd', dir, '--tag', 'v1.0.0', '--asset', asset, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { tag: string; draft: boolean; created: boolean; assets: Array<{ name: string; size: number }> };
    assert.equal(doc.tag, 'v1.0.0');
    assert.equal(doc.draft, false);
    assert.deepEqual(doc.assets.map((a) => a.name).sort(), ['SHA256SUMS', 'app.tgz']);
    assert.equal(fakeReleases(gh().state).releases('octo', 'app')[0].body, '### Features\n\n- first\n');
    const entries = await new AuditLog(path.join(dir, '.git', 'sdlc', 'audit.jsonl')).read();
    assert.deepEqual(entries.map((e) => e.action), ['release.publish']);

    const noTag = await runInProcess(['release', '--cwd', dir, '--tag', 'v7.0.0', '--json'], env);
    assert.equal(noTag.code, 2);
    assert.equal(parseError(noTag.stderr).code, 'TagNotFound');
    const noArg = await runInProcess(['release', '--cwd', dir, '--json'], env);
    assert.equal(noArg.code, 2);
    git(dir, 'tag', 'v1.1.0');
    const notPushed = await runInProcess(['release', '--cwd', dir, '--tag', 'v1.1.0', '--json'], env);
    assert.equal(notPushed.code, 2);
    assert.equal(parseError(notPushed.stderr).code, 'TagNotOnRemote');
    assert.ok(!existsSync(path.join(dir, 'v1.1.0')));
  });
});
