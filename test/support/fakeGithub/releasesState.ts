/**
 * Releases and their assets in the fake GitHub: records kept per repository record (so
 * `state.reset()` / a new `addRepo` start empty), the API objects built from them, asset bytes in
 * temp files (an upload is streamed to disk, never buffered), and the arrange API for tests:
 *
 *   const rel = fakeReleases(gh.state);
 *   rel.setTokenScopes('t1', ['read:user']);        // writes answer 403 (no `repo` scope)
 *   rel.failUpload({ afterBytes: 1024 });          // the next upload dies half way with a 500
 *   rel.addRelease('octo', 'app', { tag: 'v1.0.0', assets: [{ name: 'a.txt', content: 'x' }] });
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeId, type ApiObject, type Objects } from './objects';
import type { FakeState, RepoRecord } from './state';

export interface AssetRecord {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  size: number;
  sha256: string;
  state: 'uploaded' | 'open';
  downloadCount: number;
  uploader: string;
  createdAt: string;
  updatedAt: string;
  /** File holding the bytes. */
  file: string;
}

export interface ReleaseRecord {
  id: number;
  tag: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
  assets: AssetRecord[];
}

export interface UploadFault {
  /** Bytes read before the upload is answered with `status` and the connection dropped. */
  afterBytes: number;
  status: 500 | 502 | 503;
}

interface ReleasesData {
  scopes: Map<string, string[]>;
  uploadFaults: UploadFault[];
  uploadsUrl: string;
  dir: string | null;
  /** Release marked latest explicitly (make_latest: true), per repo id. */
  latest: Map<number, number>;
}

const perRepo = new WeakMap<RepoRecord, ReleaseRecord[]>();
const perState = new WeakMap<FakeState, ReleasesData>();

function data(state: FakeState): ReleasesData {
  let d = perState.get(state);
  if (!d) perState.set(state, (d = { scopes: new Map(), uploadFaults: [], uploadsUrl: '', dir: null, latest: new Map() }));
  return d;
}

export function releasesOf(repo: RepoRecord): ReleaseRecord[] {
  let list = perRepo.get(repo);
  if (!list) perRepo.set(repo, (list = []));
  return list;
}

/** Where asset bytes live (one temp folder per state, removed by `disposeReleases`). */
export function assetDir(state: FakeState): string {
  const d = data(state);
  d.dir ??= mkdtempSync(path.join(os.tmpdir(), 'fake-gh-assets-'));
  return d.dir;
}

export function disposeReleases(state: FakeState): void {
  const d = data(state);
  if (d.dir) rmSync(d.dir, { recursive: true, force: true });
  d.dir = null;
}

/** Token scopes, upload faults and latest marks go with `FakeGitHub.reset()` (releases go with their repos). */
export function resetReleases(state: FakeState): void {
  const d = data(state);
  d.scopes.clear();
  d.uploadFaults.length = 0;
  d.latest.clear();
}

export function setUploadsUrl(state: FakeState, url: string): void {
  data(state).uploadsUrl = url;
}

export function takeUploadFault(state: FakeState): UploadFault | undefined {
  return data(state).uploadFaults.shift();
}

/** A token with known scopes lacking `repo` (and `public_repo` for public repos) cannot write releases. */
export function canWrite(state: FakeState, token: string | null, repo: RepoRecord): boolean {
  if (token === null) return true;
  const scopes = data(state).scopes.get(token);
  if (!scopes) return true;
  return scopes.includes('repo') || (!repo.private && scopes.includes('public_repo'));
}

export function scopesOf(state: FakeState, token: string | null): string[] | undefined {
  return token === null ? undefined : data(state).scopes.get(token);
}

export function latestOf(state: FakeState, repo: RepoRecord): ReleaseRecord | undefined {
  const list = releasesOf(repo).filter((r) => !r.draft && !r.prerelease);
  const explicit = data(state).latest.get(repo.id);
  return list.find((r) => r.id === explicit) ?? [...list].sort((a, b) => (a.publishedAt ?? '') < (b.publishedAt ?? '') ? 1 : -1)[0];
}

export function markLatest(state: FakeState, repo: RepoRecord, release: ReleaseRecord): void {
  data(state).latest.set(repo.id, release.id);
}

export function contentTypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return (
    ({ tgz: 'application/gzip', gz: 'application/gzip', zip: 'application/zip', vsix: 'application/zip', whl: 'application/zip', json: 'application/json', txt: 'text/plain' } as Record<string, string>)[ext] ??
    'application/octet-stream'
  );
}

export interface FakeReleases {
  setTokenScopes(token: string, scopes: string[]): void;
  /** The next upload reads `afterBytes` bytes, then answers `status` (default 500) and drops the rest. */
  failUpload(fault: { afterBytes: number; status?: 500 | 502 | 503 }): void;
  addRelease(owner: string, repo: string, opts: { tag: string; draft?: boolean; prerelease?: boolean; name?: string; body?: string; assets?: Array<{ name: string; content: string | Buffer; contentType?: string }> }): ReleaseRecord;
  releases(owner: string, repo: string): ReleaseRecord[];
  /** Overwrites the stored bytes of an asset (to test checksum mismatches on download). */
  tamperAsset(owner: string, repo: string, name: string, content: string | Buffer): void;
}

export function fakeReleases(state: FakeState): FakeReleases {
  const repoOf = (owner: string, repo: string) => {
    const r = state.repo(owner, repo);
    if (!r) throw new Error(`fake GitHub: no repository ${owner}/${repo} (addRepo first)`);
    return r;
  };
  return {
    setTokenScopes: (token, scopes) => void data(state).scopes.set(token, scopes),
    failUpload: (fault) => void data(state).uploadFaults.push({ afterBytes: fault.afterBytes, status: fault.status ?? 500 }),
    addRelease: (owner, repo, opts) => {
      const r = repoOf(owner, repo);
      const now = state.tick();
      const release: ReleaseRecord = {
        id: state.newId(),
        tag: opts.tag,
        targetCommitish: r.defaultBranch,
        name: opts.name ?? opts.tag,
        body: opts.body ?? null,
        draft: opts.draft ?? false,
        prerelease: opts.prerelease ?? false,
        author: state.currentLogin,
        createdAt: now,
        publishedAt: opts.draft ? null : now,
        assets: [],
      };
      for (const a of opts.assets ?? []) {
        const bytes = Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content);
        const file = path.join(assetDir(state), `asset-${state.newId()}`);
        writeFileSync(file, bytes);
        release.assets.push({
          id: state.newId(),
          name: a.name,
          label: null,
          contentType: a.contentType ?? contentTypeOf(a.name),
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          state: 'uploaded',
          downloadCount: 0,
          uploader: state.currentLogin,
          createdAt: now,
          updatedAt: now,
          file,
        });
      }
      releasesOf(r).push(release);
      return release;
    },
    releases: (owner, repo) => releasesOf(repoOf(owner, repo)),
    tamperAsset: (owner, repo, name, content) => {
      for (const rel of releasesOf(repoOf(owner, repo))) {
        const a = rel.assets.find((x) => x.name === name);
        if (a) writeFileSync(a.file, content);
      }
    },
  };
}

/** GitHub's `release-asset` object. */
export function assetJson(objects: Objects, state: FakeState, r: RepoRecord, rel: ReleaseRecord, a: AssetRecord): ApiObject {
  const api = `${objects.repoUrl(r)}/releases/assets/${a.id}`;
  return {
    url: api,
    browser_download_url: `${data(state).uploadsUrl}/download/${r.owner}/${r.name}/releases/download/${encodeURIComponent(rel.tag)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: nodeId('ReleaseAsset', a.id),
    name: a.name,
    label: a.label,
    state: a.state,
    content_type: a.contentType,
    size: a.size,
    digest: `sha256:${a.sha256}`,
    download_count: a.downloadCount,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    uploader: objects.userByLogin(a.uploader),
  };
}

/** GitHub's `release` object. */
export function releaseJson(objects: Objects, state: FakeState, r: RepoRecord, rel: ReleaseRecord): ApiObject {
  const u = `${objects.repoUrl(r)}/releases/${rel.id}`;
  const html = `${objects.htmlBase}/${r.owner}/${r.name}/releases/${rel.draft ? `untagged-${rel.id}` : `tag/${encodeURIComponent(rel.tag)}`}`;
  return {
    url: u,
    html_url: html,
    assets_url: `${u}/assets`,
    upload_url: `${data(state).uploadsUrl}/repos/${r.owner}/${r.name}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: rel.draft ? null : `${objects.repoUrl(r)}/tarball/${encodeURIComponent(rel.tag)}`,
    zipball_url: rel.draft ? null : `${objects.repoUrl(r)}/zipball/${encodeURIComponent(rel.tag)}`,
    id: rel.id,
    node_id: nodeId('Release', rel.id),
    tag_name: rel.tag,
    target_commitish: rel.targetCommitish,
    name: rel.name,
    body: rel.body,
    draft: rel.draft,
    prerelease: rel.prerelease,
    created_at: rel.createdAt,
    published_at: rel.publishedAt,
    author: objects.userByLogin(rel.author),
    assets: rel.assets.filter((a) => a.state === 'uploaded').map((a) => assetJson(objects, state, r, rel, a)),
  };
}
