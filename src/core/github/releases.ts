/**
 * GitHub Releases for pull deployment, through the `GitHub` seam (octokit, `request`):
 *
 * publish   never a half-made public release: find the release of the tag (drafts included) or
 *           create a draft → upload each asset through the release's `upload_url`, streamed from
 *           disk (`timeoutMs: 0`, no retry of a consumed stream), check each uploaded size (and
 *           digest when GitHub reports one) → upload `SHA256SUMS` → publish. On failure the draft
 *           is kept (running again continues it: assets already there with the same size and
 *           digest are skipped) or deleted, as asked. A published release is updated, never
 *           duplicated; an asset of the same name with other content needs `replace`.
 * download  streamed to a `.partial` file while hashed, checked against the release's
 *           `SHA256SUMS` (and the asset digest); a mismatch deletes the download.
 * delete    a release or one asset.
 * Every publish, update and delete is written to the audit log when one is given.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { AuditActor, AuditLog } from '../audit/auditLog';
import { SdlcError, errorMessage } from '../errors';
import type { GitHubRepoRef } from '../git/git';
import { silentLogger, type Logger } from '../log';
import { formatSums, parseSums, sha256File } from '../packaging/checksum';
import { GitHubError, type GitHub } from './github';

export const SUMS_ASSET = 'SHA256SUMS';

export interface ReleaseAsset {
  id: number;
  name: string;
  label: string | null;
  size: number;
  contentType: string;
  downloadCount: number;
  state: string;
  /** `sha256:<hex>` when GitHub reports it. */
  digest: string | null;
  url: string;
  browserDownloadUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReleaseInfo {
  id: number;
  tag: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  /** The repository's latest release (set by `list`). */
  latest: boolean;
  htmlUrl: string;
  uploadUrl: string;
  createdAt: string;
  publishedAt: string | null;
  author: string | null;
  assets: ReleaseAsset[];
}

export interface PublishOptions {
  tag: string;
  /** Release title (default the tag). */
  name?: string;
  /** Markdown notes; undefined → GitHub's generated notes. */
  notes?: string;
  /** Files to attach; a `SHA256SUMS` of all assets is added. */
  assets: readonly string[];
  /** Leave the release as a draft. */
  draft?: boolean;
  prerelease?: boolean;
  /** Mark as the latest release (default GitHub's rule: the newest non-prerelease). */
  makeLatest?: boolean;
  /** What happens to a draft created by this run when it fails (default keep, for resuming). */
  onFailure?: 'keep' | 'delete';
  /** Replace assets of a published release that have the same name and other content. */
  replace?: boolean;
  /** Check that the remote has the tag first (default true). */
  requireRemoteTag?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface PublishResult {
  release: ReleaseInfo;
  /** The release was created by this run (else an existing draft was continued or a release updated). */
  created: boolean;
  uploaded: string[];
  /** Assets already there with the same content. */
  skipped: string[];
  published: boolean;
}

export interface ReleasesOptions {
  logger?: Logger;
  audit?: { log: AuditLog; actor: AuditActor; repository: string };
  /** Token for asset downloads (the API redirects to a signed URL). */
  token?: string;
  fetch?: typeof fetch;
  /** The fetch for uploads (default `streamingFetch`). */
  uploadFetch?: typeof fetch;
}

interface ApiAsset {
  id: number;
  name: string;
  label: string | null;
  size: number;
  content_type: string;
  download_count: number;
  state: string;
  digest?: string | null;
  url: string;
  browser_download_url: string;
  created_at: string;
  updated_at: string;
}

interface ApiRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  upload_url: string;
  created_at: string;
  published_at: string | null;
  author: { login: string } | null;
  assets: ApiAsset[];
}

export class Releases {
  private readonly log: Logger;

  constructor(
    private readonly github: GitHub,
    readonly repo: GitHubRepoRef,
    private readonly options: ReleasesOptions = {},
  ) {
    this.log = options.logger ?? silentLogger;
  }

  private get params() {
    return { owner: this.repo.owner, repo: this.repo.repo };
  }

  /** Every release, newest first, drafts included (when the token can see them), with the latest flagged. */
  async list(options: { limit?: number } = {}): Promise<ReleaseInfo[]> {
    const limit = options.limit ?? 100;
    const out: ReleaseInfo[] = [];
    for (let page = 1; out.length < limit; page++) {
      const { data } = await this.call(() => this.github.request<ApiRelease[]>('GET /repos/{owner}/{repo}/releases', { ...this.params, per_page: Math.min(100, limit), page }), 'list the releases');
      out.push(...data.map(toRelease));
      if (data.length < Math.min(100, limit)) break;
    }
    const latest = await this.latestId();
    for (const r of out) r.latest = r.id === latest;
    return out.slice(0, limit);
  }

  /** The release of a tag, drafts included (GitHub's by-tag endpoint does not find drafts). */
  async findByTag(tag: string): Promise<ReleaseInfo | null> {
    try {
      const { data } = await this.github.request<ApiRelease>('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...this.params, tag });
      return toRelease(data);
    } catch (e) {
      if (!(e instanceof GitHubError && e.githubCode === 'NotFound')) throw this.explain(e, `read the release ${tag}`);
    }
    return (await this.list()).find((r) => r.tag === tag) ?? null;
  }

  async get(id: number): Promise<ReleaseInfo> {
    const { data } = await this.call(() => this.github.request<ApiRelease>('GET /repos/{owner}/{repo}/releases/{release_id}', { ...this.params, release_id: id }), `read the release ${id}`);
    return toRelease(data);
  }

  /** Whether the GitHub repository has the tag (a release of a tag that was never pushed would tag the default branch instead). */
  async remoteHasTag(tag: string): Promise<boolean> {
    try {
      await this.github.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...this.params, ref: `tags/${tag}` });
      return true;
    } catch (e) {
      if (e instanceof GitHubError && e.githubCode === 'NotFound') return false;
      throw this.explain(e, `check the tag ${tag}`);
    }
  }

  async publish(o: PublishOptions): Promise<PublishResult> {
    const progress = o.onProgress ?? (() => undefined);
    const files = await this.checkFiles(o.assets);
    if (o.requireRemoteTag !== false && !(await this.remoteHasTag(o.tag))) {
      throw new SdlcError('TagNotOnRemote', `${this.repo.owner}/${this.repo.repo} on GitHub has no tag ${o.tag}. Push it first (git push origin ${o.tag}), then publish again.`, { usage: true });
    }
    let release = await this.findByTag(o.tag);
    const created = release === null;
    const action = created ? 'release.publish' : 'release.update';
    const target = { repo: `${this.repo.owner}/${this.repo.repo}`, tag: o.tag };
    const uploaded: string[] = [];
    const skipped: string[] = [];
    try {
      if (!release) {
        progress(`Creating the draft release ${o.tag}…`);
        const body: Record<string, unknown> = { ...this.params, tag_name: o.tag, name: o.name ?? o.tag, draft: true, prerelease: o.prerelease ?? false };
        if (o.notes !== undefined) body.body = o.notes;
        else body.generate_release_notes = true;
        const { data } = await this.call(() => this.github.request<ApiRelease>('POST /repos/{owner}/{repo}/releases', body), `create the release ${o.tag}`);
        release = toRelease(data);
      } else {
        const patch: Record<string, unknown> = {};
        if (o.notes !== undefined && o.notes !== release.body) patch.body = o.notes;
        if (o.name !== undefined && o.name !== release.name) patch.name = o.name;
        if (o.prerelease !== undefined && o.prerelease !== release.prerelease) patch.prerelease = o.prerelease;
        if (Object.keys(patch).length > 0) release = await this.update(release.id, patch);
      }
      const current = release;

      // Which files go up: skip those already there with the same content; make room for changed ones.
      const existingSums = await this.existingSums(current, o.signal);
      const sums = new Map(existingSums);
      for (const f of files) {
        if (o.signal?.aborted) throw cancelled(o.tag);
        const there = current.assets.find((a) => a.name === f.name);
        if (there) {
          const same = there.size === f.bytes && (there.digest ? there.digest === `sha256:${f.sha256}` : existingSums.get(f.name) === f.sha256);
          if (same && there.state === 'uploaded') {
            skipped.push(f.name);
            sums.set(f.name, f.sha256);
            continue;
          }
          if (!current.draft && !o.replace) {
            throw new SdlcError('AssetExists', `The published release ${o.tag} already has an asset named ${f.name} with other content. Pass --replace (or choose Replace) to replace it, or rename the file.`, { usage: true });
          }
          await this.deleteAssetQuietly(there);
        }
        progress(`Uploading ${f.name} (${f.bytes} bytes)…`);
        await this.upload(current, f.file, f.name, f.bytes, f.sha256, o.signal);
        uploaded.push(f.name);
        sums.set(f.name, f.sha256);
      }
      // SHA256SUMS of every asset, replaced whenever its content changes.
      const sumsText = formatSums([...sums].filter(([n]) => n !== SUMS_ASSET).map(([name, sha256]) => ({ name, sha256 })));
      const oldSums = current.assets.find((a) => a.name === SUMS_ASSET);
      const sumsSha = createHash('sha256').update(sumsText).digest('hex');
      if (sumsText && !(oldSums && oldSums.digest === `sha256:${sumsSha}`)) {
        if (oldSums) await this.deleteAssetQuietly(oldSums);
        await this.uploadBuffer(current, SUMS_ASSET, Buffer.from(sumsText), o.signal);
        uploaded.push(SUMS_ASSET);
      }

      let published = !current.draft;
      if (current.draft && !o.draft) {
        if (o.signal?.aborted) throw cancelled(o.tag);
        progress(`Publishing ${o.tag}…`);
        const patch: Record<string, unknown> = { draft: false };
        if (o.makeLatest !== undefined) patch.make_latest = o.makeLatest ? 'true' : 'false';
        await this.update(current.id, patch);
        published = true;
      }
      const final = await this.get(current.id);
      await this.audit(action, target, { id: final.id, draft: final.draft, uploaded, skipped }, null);
      return { release: final, created, uploaded, skipped, published };
    } catch (e) {
      let err = e instanceof SdlcError ? e : new SdlcError('PublishFailed', errorMessage(e), { cause: e });
      if (release && created && release.draft) {
        if (o.onFailure === 'delete') {
          await this.deleteRelease(release.id, { quiet: true }).catch((d: unknown) => this.log.warn(`[Releases] could not delete the draft ${release?.id}: ${errorMessage(d)}`));
          err = new SdlcError(err.code, `${err.message} The draft release was deleted.`, { usage: err.usage, cause: err });
        } else {
          err = new SdlcError(err.code, `${err.message} The draft release ${o.tag} is kept with ${uploaded.length + skipped.length} asset(s): run the same publish again to continue it, or delete it.`, { usage: err.usage, cause: err });
        }
      }
      await this.audit(action, target, { uploaded, skipped }, err);
      throw err;
    }
  }

  /** Downloads an asset into `dir`, checked against the release's SHA256SUMS (and digest). */
  async download(release: ReleaseInfo, assetName: string, dir: string, options: { signal?: AbortSignal } = {}): Promise<{ path: string; sha256: string; verified: 'SHA256SUMS' | 'digest' | 'none' }> {
    const asset = release.assets.find((a) => a.name === assetName);
    if (!asset) throw new SdlcError('AssetNotFound', `The release ${release.tag} has no asset named ${assetName}.`, { usage: true });
    const sumsAsset = assetName === SUMS_ASSET ? undefined : release.assets.find((a) => a.name === SUMS_ASSET);
    const expected = sumsAsset ? parseSums((await this.fetchAsset(sumsAsset, null, options.signal)).text).get(assetName) : undefined;
    await fs.mkdir(dir, { recursive: true });
    const dest = path.join(dir, path.basename(assetName));
    const partial = `${dest}.partial`;
    try {
      const { sha256 } = await this.fetchAsset(asset, partial, options.signal);
      const digest = asset.digest?.startsWith('sha256:') ? asset.digest.slice(7) : undefined;
      const want = expected ?? digest;
      if (want && want !== sha256) {
        throw new SdlcError('ChecksumMismatch', `The download of ${assetName} has sha256 ${sha256}, but the release's ${expected ? SUMS_ASSET : 'digest'} says ${want}. The file was deleted; do not use it. Download it again, or ask the publisher to check the release.`);
      }
      await fs.rename(partial, dest);
      return { path: dest, sha256, verified: expected ? 'SHA256SUMS' : digest ? 'digest' : 'none' };
    } finally {
      await fs.rm(partial, { force: true });
    }
  }

  async deleteRelease(id: number, options: { quiet?: boolean } = {}): Promise<void> {
    const target = { repo: `${this.repo.owner}/${this.repo.repo}`, release: String(id) };
    try {
      await this.call(() => this.github.request('DELETE /repos/{owner}/{repo}/releases/{release_id}', { ...this.params, release_id: id }), `delete the release ${id}`);
      if (!options.quiet) await this.audit('release.delete', target, { id }, null);
    } catch (e) {
      if (!options.quiet) await this.audit('release.delete', target, { id }, e);
      throw e;
    }
    if (options.quiet) await this.audit('release.delete', target, { id, reason: 'failed publish' }, null);
  }

  async deleteAsset(asset: Pick<ReleaseAsset, 'id' | 'name'>): Promise<void> {
    const target = { repo: `${this.repo.owner}/${this.repo.repo}`, asset: asset.name };
    try {
      await this.call(() => this.github.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...this.params, asset_id: asset.id }), `delete the asset ${asset.name}`);
      await this.audit('release.asset.delete', target, { id: asset.id }, null);
    } catch (e) {
      await this.audit('release.asset.delete', target, { id: asset.id }, e);
      throw e;
    }
  }

  // ---- internals ----

  private async update(id: number, patch: Record<string, unknown>): Promise<ReleaseInfo> {
    const { data } = await this.call(() => this.github.request<ApiRelease>('PATCH /repos/{owner}/{repo}/releases/{release_id}', { ...this.params, release_id: id, ...patch }), 'update the release');
    return toRelease(data);
  }

  private async latestId(): Promise<number | null> {
    try {
      const { data } = await this.github.request<ApiRelease>('GET /repos/{owner}/{repo}/releases/latest', this.params);
      return data.id;
    } catch (e) {
      if (e instanceof GitHubError && e.githubCode === 'NotFound') return null;
      throw this.explain(e, 'read the latest release');
    }
  }

  private async checkFiles(files: readonly string[]): Promise<Array<{ file: string; name: string; bytes: number; sha256: string }>> {
    const out: Array<{ file: string; name: string; bytes: number; sha256: string }> = [];
    for (const file of files) {
      const name = path.basename(file);
      if (name === SUMS_ASSET) continue; // generated for the whole release
      let stat;
      try {
        stat = await fs.stat(file);
      } catch {
        throw new SdlcError('AssetNotFound', `The asset ${file} does not exist. Build it first (sdlc package) or check the path.`, { usage: true });
      }
      if (!stat.isFile()) throw new SdlcError('AssetNotFound', `The asset ${file} is not a file.`, { usage: true });
      if (out.some((o) => o.name === name)) throw new SdlcError('DuplicateAsset', `Two assets are named ${name}; asset names must be unique within a release.`, { usage: true });
      const { sha256, bytes } = await sha256File(file);
      out.push({ file, name, bytes, sha256 });
    }
    return out;
  }

  private async existingSums(release: ReleaseInfo, signal?: AbortSignal): Promise<Map<string, string>> {
    const asset = release.assets.find((a) => a.name === SUMS_ASSET);
    if (!asset) return new Map();
    try {
      return parseSums((await this.fetchAsset(asset, null, signal)).text);
    } catch (e) {
      this.log.warn(`[Releases] ignoring the unreadable ${SUMS_ASSET} of ${release.tag}: ${errorMessage(e)}`);
      return new Map();
    }
  }

  private async upload(release: ReleaseInfo, file: string, name: string, bytes: number, sha256: string, signal?: AbortSignal): Promise<ReleaseAsset> {
    // A fresh stream per attempt; never retried by octokit (the stream is consumed).
    return this.sendAsset(release, name, bytes, sha256, () => createReadStream(file, { highWaterMark: 256 * 1024 }), signal);
  }

  private async uploadBuffer(release: ReleaseInfo, name: string, data: Buffer, signal?: AbortSignal): Promise<ReleaseAsset> {
    return this.sendAsset(release, name, data.length, createHash('sha256').update(data).digest('hex'), () => Readable.from([data]), signal);
  }

  private async sendAsset(release: ReleaseInfo, name: string, bytes: number, sha256: string, body: () => Readable, signal?: AbortSignal): Promise<ReleaseAsset> {
    const started = Date.now();
    let data: ApiAsset;
    try {
      ({ data } = await this.github.request<ApiAsset>('POST {url}', {
        url: release.uploadUrl,
        name,
        headers: { 'content-type': contentTypeFor(name), 'content-length': bytes },
        data: body(),
        // Node's fetch (undici) buffers a streamed request body (measured: +109 MB for an 80 MB file),
        // so uploads go through http.request, which honours backpressure.
        request: { timeoutMs: 0, retries: 0, signal, fetch: this.options.uploadFetch ?? streamingFetch },
      }));
    } catch (e) {
      if (signal?.aborted) throw cancelled(release.tag);
      if (e instanceof GitHubError && e.githubCode === 'ValidationFailed') {
        throw new SdlcError('AssetExists', `GitHub refused ${name}: the release ${release.tag} already has an asset of that name (422). Delete it or publish with --replace.`, { usage: true, cause: e });
      }
      throw this.explain(e, `upload ${name}`);
    }
    this.log.info(`[Releases] uploaded ${name} (${bytes} bytes) [${Date.now() - started}ms]`);
    const asset = toAsset(data);
    const digestOk = !asset.digest || !asset.digest.startsWith('sha256:') || asset.digest === `sha256:${sha256}`;
    if (asset.size !== bytes || !digestOk) {
      await this.deleteAssetQuietly(asset);
      throw new SdlcError('UploadIncomplete', `GitHub stored ${name} with ${asset.size} bytes${digestOk ? '' : ` and digest ${asset.digest}`}, but the file has ${bytes} bytes (sha256 ${sha256}); the broken asset was deleted. Publish again to retry.`);
    }
    return asset;
  }

  private async deleteAssetQuietly(asset: Pick<ReleaseAsset, 'id' | 'name'>): Promise<void> {
    await this.call(() => this.github.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...this.params, asset_id: asset.id }), `delete the asset ${asset.name}`);
  }

  /** Downloads an asset: into `file` (streamed, hashed) or, with file null, as text (small files). */
  private async fetchAsset(asset: ReleaseAsset, file: string | null, signal?: AbortSignal): Promise<{ sha256: string; text: string }> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { accept: 'application/octet-stream', 'user-agent': 'sdlc-workbench' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const apiUrl = `${this.github.baseUrl}/repos/${encodeURIComponent(this.repo.owner)}/${encodeURIComponent(this.repo.repo)}/releases/assets/${asset.id}`;
    let response: Response;
    try {
      response = await fetchImpl(apiUrl, { headers, redirect: 'follow', signal });
    } catch (e) {
      if (signal?.aborted) throw new SdlcError('Cancelled', `The download of ${asset.name} was cancelled.`);
      throw new SdlcError('Network', `Could not download ${asset.name}: ${errorMessage(e)}`, { cause: e });
    }
    if (!response.ok || !response.body) {
      throw new SdlcError(response.status === 404 ? 'AssetNotFound' : 'DownloadFailed', `Downloading ${asset.name} failed: HTTP ${response.status}.`);
    }
    const hash = createHash('sha256');
    if (file === null) {
      const buf = Buffer.from(await response.arrayBuffer());
      return { sha256: hash.update(buf).digest('hex'), text: buf.toString('utf8') };
    }
    const out = await fs.open(file, 'w');
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await out.write(chunk);
      }
    } finally {
      await out.close();
    }
    return { sha256: hash.digest('hex'), text: '' };
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.explain(e, what);
    }
  }

  /** GitHub failures in words that say what to do. */
  private explain(e: unknown, what: string): unknown {
    if (!(e instanceof GitHubError)) return e;
    const repo = `${this.repo.owner}/${this.repo.repo}`;
    switch (e.githubCode) {
      case 'Forbidden':
        return new SdlcError('Forbidden', `GitHub refused to ${what} in ${repo} (403). The token needs the "repo" scope (or "public_repo" for a public repository) and push access; sign in again with that scope.`, { cause: e });
      case 'Unauthorized':
        return new SdlcError('Unauthorized', `GitHub did not accept the token while trying to ${what} (401). Sign in again, or set GITHUB_TOKEN.`, { cause: e });
      case 'NotFound':
        return new SdlcError('NotFound', `GitHub answered 404 while trying to ${what} in ${repo}: the repository does not exist or the token cannot see it.`, { cause: e });
      default:
        return e;
    }
  }

  private async audit(action: string, target: Record<string, string>, after: unknown, error: unknown): Promise<void> {
    const a = this.options.audit;
    if (!a) return;
    try {
      await a.log.append({
        actor: a.actor,
        action,
        repository: a.repository,
        target,
        ...(error ? { result: 'failure' as const, error: { code: error instanceof SdlcError ? error.code : 'Error', message: errorMessage(error).slice(0, 2000) } } : { result: 'success' as const, after }),
      });
    } catch (e) {
      this.log.warn(`[Releases] could not write the audit log: ${errorMessage(e)}`);
    }
  }
}

function cancelled(tag: string): SdlcError {
  return new SdlcError('Cancelled', `Publishing ${tag} was cancelled.`);
}

export function contentTypeFor(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tgz') || lower.endsWith('.tar.gz') || lower.endsWith('.gz')) return 'application/gzip';
  if (/\.(zip|vsix|whl|jar)$/.test(lower)) return 'application/zip';
  if (lower.endsWith('.json')) return 'application/json';
  if (lower === 'sha256sums' || lower.endsWith('.txt') || lower.endsWith('.md')) return 'text/plain';
  return 'application/octet-stream';
}

function toAsset(a: ApiAsset): ReleaseAsset {
  return {
    id: a.id,
    name: a.name,
    label: a.label ?? null,
    size: a.size,
    contentType: a.content_type,
    downloadCount: a.download_count,
    state: a.state,
    digest: a.digest ?? null,
    url: a.url,
    browserDownloadUrl: a.browser_download_url,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

function toRelease(r: ApiRelease): ReleaseInfo {
  return {
    id: r.id,
    tag: r.tag_name,
    name: r.name,
    body: r.body ?? null,
    draft: r.draft,
    prerelease: r.prerelease,
    latest: false,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    author: r.author?.login ?? null,
    assets: (r.assets ?? []).map(toAsset),
  };
}

/**
 * A fetch for request bodies that are Node streams: `http(s).request` with `pipeline`, so the file
 * is read only as fast as the socket drains (constant memory). The response body is small JSON.
 */
export const streamingFetch: typeof fetch = (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const req = client.request(url, { method: init?.method ?? 'GET', headers, signal: init?.signal ?? undefined }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        const response = new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders });
        Object.defineProperty(response, 'url', { value: url.href });
        resolve(response);
      });
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const body = init?.body as unknown;
    if (body === undefined || body === null) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    else if (body instanceof Readable) {
      // A server that answers early (an error) and closes the socket ends the pipe; its answer wins.
      pipeline(body, req).catch((e: unknown) => {
        if (!answered) reject(e instanceof Error ? e : new Error(String(e)));
      });
    } else reject(new TypeError('streamingFetch: unsupported body type'));
  });
};
