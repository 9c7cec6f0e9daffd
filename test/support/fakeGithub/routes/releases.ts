/**
 * Releases and release assets (uploads go to the uploads host, see ../uploads.ts), plus
 * `git/get-ref` for tags (so a client can check the remote has the tag before releasing).
 * Writes need a token with the `repo` scope when the test set scopes for it (403 otherwise).
 */
import { rmSync } from 'node:fs';
import { canWrite, contentTypeOf, latestOf, markLatest, releaseJson, releasesOf, assetJson, scopesOf, type ReleaseRecord } from '../releasesState';
import type { RepoRecord } from '../state';
import type { RouteContext, RouteRequest, RouteTable } from './types';
import { HttpError, ok, paginate, repoOr404, str } from './types';

function writable(req: RouteRequest, ctx: RouteContext): RepoRecord {
  const r = repoOr404(req, ctx);
  if (!canWrite(ctx.state, req.token, r)) {
    throw new HttpError(403, 'Resource not accessible by personal access token', { scopes: scopesOf(ctx.state, req.token) ?? [] });
  }
  return r;
}

function releaseOr404(r: RepoRecord, id: unknown): ReleaseRecord {
  const rel = releasesOf(r).find((x) => x.id === Number(id));
  if (!rel) throw new HttpError(404, 'Not Found');
  return rel;
}

function body(req: RouteRequest): Record<string, unknown> {
  return req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};
}

function applyLatest(ctx: RouteContext, r: RepoRecord, rel: ReleaseRecord, makeLatest: unknown): void {
  if (makeLatest === true || makeLatest === 'true') markLatest(ctx.state, r, rel);
}

export const releaseRoutes: RouteTable = {
  'repos/list-releases': (req, ctx) => {
    const r = repoOr404(req, ctx);
    // Newest first, drafts included (for people who can push).
    const list = [...releasesOf(r)].reverse();
    return paginate(req, list, (rel) => releaseJson(ctx.objects, ctx.state, r, rel));
  },

  'repos/get-release': (req, ctx) => {
    const r = repoOr404(req, ctx);
    return ok(releaseJson(ctx.objects, ctx.state, r, releaseOr404(r, req.params.release_id)));
  },

  'repos/get-release-by-tag': (req, ctx) => {
    const r = repoOr404(req, ctx);
    // Like GitHub: drafts are not found by tag.
    const rel = releasesOf(r).find((x) => x.tag === str(req.params.tag) && !x.draft);
    if (!rel) throw new HttpError(404, 'Not Found');
    return ok(releaseJson(ctx.objects, ctx.state, r, rel));
  },

  'repos/get-latest-release': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const rel = latestOf(ctx.state, r);
    if (!rel) throw new HttpError(404, 'Not Found');
    return ok(releaseJson(ctx.objects, ctx.state, r, rel));
  },

  'repos/create-release': (req, ctx) => {
    const r = writable(req, ctx);
    const b = body(req);
    const tag = str(b.tag_name);
    const existing = releasesOf(r).find((x) => x.tag === tag && !x.draft);
    if (existing) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
    }
    const draft = b.draft === true;
    if (!draft && !r.tags.has(tag) && !b.target_commitish) {
      // GitHub would create the tag from the default branch; the fake keeps tags explicit.
      r.tags.set(tag, { name: tag, sha: r.branches.get(r.defaultBranch)?.sha ?? '0'.repeat(40) });
    }
    const now = ctx.state.tick();
    const rel: ReleaseRecord = {
      id: ctx.state.newId(),
      tag,
      targetCommitish: typeof b.target_commitish === 'string' ? b.target_commitish : r.defaultBranch,
      name: typeof b.name === 'string' ? b.name : tag,
      body: typeof b.body === 'string' ? b.body : b.generate_release_notes === true ? `**Full Changelog**: ${tag}` : null,
      draft,
      prerelease: b.prerelease === true,
      author: ctx.state.currentLogin,
      createdAt: now,
      publishedAt: draft ? null : now,
      assets: [],
    };
    releasesOf(r).push(rel);
    if (!draft) applyLatest(ctx, r, rel, b.make_latest);
    return ok(releaseJson(ctx.objects, ctx.state, r, rel), 201);
  },

  'repos/update-release': (req, ctx) => {
    const r = writable(req, ctx);
    const rel = releaseOr404(r, req.params.release_id);
    const b = body(req);
    if (typeof b.tag_name === 'string') rel.tag = b.tag_name;
    if (typeof b.name === 'string') rel.name = b.name;
    if (typeof b.body === 'string') rel.body = b.body;
    if (typeof b.prerelease === 'boolean') rel.prerelease = b.prerelease;
    if (typeof b.target_commitish === 'string') rel.targetCommitish = b.target_commitish;
    if (b.draft === false && rel.draft) {
      if (releasesOf(r).some((x) => x !== rel && x.tag === rel.tag && !x.draft)) {
        throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
      }
      rel.draft = false;
      rel.publishedAt = ctx.state.tick();
      if (!r.tags.has(rel.tag)) r.tags.set(rel.tag, { name: rel.tag, sha: r.branches.get(r.defaultBranch)?.sha ?? '0'.repeat(40) });
    } else if (b.draft === true) {
      rel.draft = true;
    }
    if (!rel.draft) applyLatest(ctx, r, rel, b.make_latest);
    return ok(releaseJson(ctx.objects, ctx.state, r, rel));
  },

  'repos/delete-release': (req, ctx) => {
    const r = writable(req, ctx);
    const rel = releaseOr404(r, req.params.release_id);
    const list = releasesOf(r);
    list.splice(list.indexOf(rel), 1);
    for (const a of rel.assets) rmSync(a.file, { force: true });
    return { status: 204 };
  },

  'repos/list-release-assets': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const rel = releaseOr404(r, req.params.release_id);
    return paginate(
      req,
      rel.assets.filter((a) => a.state === 'uploaded'),
      (a) => assetJson(ctx.objects, ctx.state, r, rel, a),
    );
  },

  'repos/get-release-asset': (req, ctx) => {
    const r = repoOr404(req, ctx);
    for (const rel of releasesOf(r)) {
      const a = rel.assets.find((x) => x.id === Number(req.params.asset_id) && x.state === 'uploaded');
      if (!a) continue;
      const json = assetJson(ctx.objects, ctx.state, r, rel, a);
      const accept = String(req.headers.accept ?? '');
      if (accept.includes('application/octet-stream')) return { status: 302, headers: { location: String(json.browser_download_url) } };
      return ok(json);
    }
    throw new HttpError(404, 'Not Found');
  },

  'repos/update-release-asset': (req, ctx) => {
    const r = writable(req, ctx);
    for (const rel of releasesOf(r)) {
      const a = rel.assets.find((x) => x.id === Number(req.params.asset_id));
      if (!a) continue;
      const b = body(req);
      if (typeof b.name === 'string') a.name = b.name;
      if (typeof b.label === 'string') a.label = b.label;
      a.contentType = contentTypeOf(a.name);
      a.updatedAt = ctx.state.tick();
      return ok(assetJson(ctx.objects, ctx.state, r, rel, a));
    }
    throw new HttpError(404, 'Not Found');
  },

  'repos/delete-release-asset': (req, ctx) => {
    const r = writable(req, ctx);
    for (const rel of releasesOf(r)) {
      const i = rel.assets.findIndex((x) => x.id === Number(req.params.asset_id));
      if (i < 0) continue;
      rmSync(rel.assets[i].file, { force: true });
      rel.assets.splice(i, 1);
      return { status: 204 };
    }
    throw new HttpError(404, 'Not Found');
  },

  'git/get-ref': (req, ctx) => {
    const r = repoOr404(req, ctx);
    const ref = str(req.params.ref);
    const m = /^tags\/(.+)$/.exec(ref) ?? /^heads\/(.+)$/.exec(ref);
    const name = m?.[1] ?? '';
    const target = ref.startsWith('tags/') ? r.tags.get(name) : r.branches.get(name);
    if (!target) throw new HttpError(404, 'Not Found');
    return ok({
      ref: `refs/${ref}`,
      node_id: Buffer.from(`Ref:${r.id}:${ref}`).toString('base64'),
      url: `${ctx.objects.repoUrl(r)}/git/refs/${ref}`,
      object: { type: 'commit', sha: target.sha, url: `${ctx.objects.repoUrl(r)}/git/commits/${target.sha}` },
    });
  },
};
