/**
 * The uploads host of the fake GitHub (GitHub's is uploads.github.com): its own port, reached only
 * through a release's `upload_url`. An upload is streamed to a temp file while it is hashed, so a
 * large asset costs no memory; answers are validated against the description like the API's.
 * Also serves `browser_download_url` (where GitHub redirects asset downloads).
 *
 * Faults: `fakeReleases(state).failUpload({ afterBytes })` answers the next upload with a 500 after
 * that many bytes and drops the connection; an existing asset name answers 422 `already_exists`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Objects } from './objects';
import { assetDir, assetJson, canWrite, contentTypeOf, releasesOf, scopesOf, takeUploadFault, type AssetRecord } from './releasesState';
import type { RequestLogEntry, Violation } from './server';
import type { LoadedSpec } from './spec';
import type { FakeState } from './state';

export interface UploadsHost {
  readonly url: string;
  close(): Promise<void>;
}

export interface UploadsDeps {
  state: FakeState;
  spec: LoadedSpec;
  objects: () => Objects;
  requests: RequestLogEntry[];
  violations: Violation[];
  /** null when the token is accepted, else the status to answer (401). */
  authError(headers: http.IncomingHttpHeaders): number | null;
  token(headers: http.IncomingHttpHeaders): string | null;
}

const UPLOAD = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/;
const DOWNLOAD = /^\/download\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/;

export async function startUploadsHost(deps: UploadsDeps): Promise<UploadsHost> {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.violations.push({ kind: 'handler', method: req.method ?? 'GET', path: req.url ?? '', errors: [String((err as Error)?.stack ?? err)] });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end(JSON.stringify({ message: 'fake uploads host crashed' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(res: http.ServerResponse, entry: RequestLogEntry, status: number, body: unknown): void {
  entry.status = status;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

async function drain(req: http.IncomingMessage): Promise<void> {
  for await (const chunk of req) void chunk;
}

async function handle(deps: UploadsDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://uploads');
  const entry: RequestLogEntry = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, headers: {} };
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) entry.headers[k] = k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  deps.requests.push(entry);

  const download = method === 'GET' ? DOWNLOAD.exec(url.pathname) : null;
  if (download) {
    const [, owner, repo, tag, name] = download.map((s) => decodeURIComponent(s));
    const r = deps.state.repo(owner, repo);
    const rel = r ? releasesOf(r).find((x) => x.tag === tag) : undefined;
    const asset = rel?.assets.find((a) => a.name === name && a.state === 'uploaded');
    if (!asset) return json(res, entry, 404, { message: 'Not Found' });
    asset.downloadCount++;
    entry.status = 200;
    res.writeHead(200, { 'content-type': asset.contentType, 'content-length': String(asset.size) });
    await pipeline(createReadStream(asset.file), res);
    return;
  }

  const upload = method === 'POST' ? UPLOAD.exec(url.pathname) : null;
  if (!upload) {
    await drain(req);
    return json(res, entry, 404, { message: 'Not Found' });
  }
  entry.operationId = 'repos/upload-release-asset';
  const authStatus = deps.authError(req.headers);
  if (authStatus !== null) {
    await drain(req);
    return json(res, entry, authStatus, { message: 'Bad credentials', status: String(authStatus) });
  }
  const [, owner, repo, releaseId] = upload;
  const r = deps.state.repo(decodeURIComponent(owner), decodeURIComponent(repo));
  const rel = r ? releasesOf(r).find((x) => x.id === Number(releaseId)) : undefined;
  if (!r || !rel) {
    await drain(req);
    return json(res, entry, 404, { message: 'Not Found' });
  }
  const token = deps.token(req.headers);
  if (!canWrite(deps.state, token, r)) {
    await drain(req);
    return json(res, entry, 403, { message: 'Resource not accessible by personal access token', scopes: scopesOf(deps.state, token) ?? [] });
  }
  const name = url.searchParams.get('name');
  if (!name) {
    await drain(req);
    deps.violations.push({ kind: 'request', method, path: url.pathname, operationId: entry.operationId, errors: ['query parameter "name" is required'] });
    return json(res, entry, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'missing', field: 'name' }] });
  }
  if (rel.assets.some((a) => a.name === name && a.state === 'uploaded')) {
    await drain(req);
    return json(res, entry, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }], documentation_url: 'https://docs.github.com/rest/releases/assets#upload-a-release-asset' });
  }

  const state = deps.state;
  const file = path.join(assetDir(state), `asset-${state.newId()}`);
  const hash = createHash('sha256');
  let size = 0;
  const fault = takeUploadFault(state);
  const out = createWriteStream(file);
  // Read by hand (not pipeline): a fault must answer while the request is still open.
  const outcome = await new Promise<'done' | 'fault' | 'aborted'>((resolve) => {
    let settled = false;
    const settle = (v: 'done' | 'fault' | 'aborted') => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      hash.update(chunk);
      if (fault && size >= fault.afterBytes) {
        req.pause();
        settle('fault');
        return;
      }
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    });
    req.once('end', () => settle('done'));
    req.once('error', () => settle('aborted'));
    req.once('close', () => settle(req.complete ? 'done' : 'aborted'));
  });
  if (outcome !== 'done') {
    out.destroy();
    rmSync(file, { force: true });
    if (outcome === 'fault' && fault) {
      // Answer now, mid-upload, and read the rest of the body into nowhere: closing the connection
      // under a client still writing makes it see a reset (a Network error) instead of the 500,
      // depending on timing.
      entry.status = fault.status;
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    } else {
      res.destroy();
    }
    return;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const expected = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(expected) && expected !== size) {
    rmSync(file, { force: true });
    return json(res, entry, 400, { message: `Content-Length ${expected} but ${size} bytes received` });
  }
  const now = state.tick();
  const asset: AssetRecord = {
    id: state.newId(),
    name,
    label: url.searchParams.get('label'),
    contentType: String(req.headers['content-type'] ?? '') || contentTypeOf(name),
    size,
    sha256: hash.digest('hex'),
    state: 'uploaded',
    downloadCount: 0,
    uploader: state.currentLogin,
    createdAt: now,
    updatedAt: now,
    file,
  };
  rel.assets.push(asset);
  const body = assetJson(deps.objects(), state, r, rel, asset);
  const errors = deps.spec.responses.validateBody('repos/upload-release-asset', 201, body);
  if (errors.length > 0) {
    deps.violations.push({ kind: 'response', method, path: url.pathname, operationId: entry.operationId, status: 201, errors });
    return json(res, entry, 500, { message: 'The fake GitHub answered outside the description', errors });
  }
  json(res, entry, 201, body);
}
