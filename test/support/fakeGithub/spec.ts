/**
 * GitHub's official OpenAPI description (from @octokit/openapi), prepared once per process:
 * - every `nullable: true` schema becomes `anyOf: [schema-without-nullable, { type: 'null' }]`
 *   (ajv rejects `nullable` without `type`, and `nullable` + `enum` would reject null);
 * - ajv gets ajv-formats plus GitHub's own formats (`repo.nwo`, `timestamp`, a `uri` that accepts '').
 * The OpenAPIBackend (routing + lazily compiled validators) is shared by every fake server of the
 * process; per-server data travels through handler arguments, so starting a server costs a few ms.
 */
import * as fs from 'node:fs';
import type Ajv from 'ajv';
import addFormats from 'ajv-formats';
import OpenAPIBackend from 'openapi-backend';
import { ResponseValidator } from './validator';
import type { Context, Document } from 'openapi-backend';

/** What the shared backend hands to the per-server dispatcher. */
export type BackendOutcome =
  | { kind: 'notFound' }
  | { kind: 'validationFail'; operationId: string; errors: unknown[] }
  | { kind: 'operation'; operationId: string; context: Context };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rewrites `nullable` everywhere in the document (in place; the input is a fresh parse). */
export function rewriteNullable(node: Json, inNameMap = false): Json {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = rewriteNullable(node[i] as Json);
    return node;
  }
  if (node === null || typeof node !== 'object') return node;
  for (const key of Object.keys(node)) {
    // `example(s)` are data, not schemas: leave them alone (unless it is a property *named* so).
    if (!inNameMap && (key === 'example' || key === 'examples')) continue;
    node[key] = rewriteNullable(node[key] as Json, !inNameMap && (key === 'properties' || key === 'patternProperties' || key === 'schemas'));
  }
  if (inNameMap) return node;
  if (node.nullable === true) {
    const rest: { [key: string]: Json } = {};
    const annotations: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'nullable') continue;
      if (key === 'description' || key === 'title' || key === 'example' || key === 'deprecated') annotations[key] = value;
      else rest[key] = value;
    }
    return { ...annotations, anyOf: [rest, { type: 'null' }] };
  }
  if (node.nullable === false) delete node.nullable;
  return node;
}

export function addGitHubFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  // OpenAPI's own formats (openapi-backend adds these to its instances; the shared one needs them too)
  const int = (bits: number) => (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1);
  if (!ajv.formats.int32) ajv.addFormat('int32', { type: 'number', validate: int(32) });
  if (!ajv.formats.int64) ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const f of ['float', 'double']) if (!ajv.formats[f]) ajv.addFormat(f, { type: 'number', validate: () => true });
  for (const f of ['binary', 'password', 'byte']) if (!ajv.formats[f]) ajv.addFormat(f, { type: 'string', validate: () => true });
  const uriPattern = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/)?[^\s]*$/i;
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => s === '' || uriPattern.test(s) });
  ajv.addFormat('repo.nwo', { type: 'string', validate: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/ });
  ajv.addFormat('timestamp', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  return ajv;
}

export function specPath(): string {
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

export interface LoadedSpec {
  /** Routing + request validation. */
  api: OpenAPIBackend;
  /** Response validation (one shared Ajv). */
  responses: ResponseValidator;
  document: Document;
  /** Milliseconds the load took (for the curious; ~0.5 s). */
  loadMs: number;
}

function createBackend(): Omit<LoadedSpec, 'loadMs'> {
  const raw = JSON.parse(fs.readFileSync(specPath(), 'utf8')) as Json;
  const document = rewriteNullable(raw) as unknown as Document;
  const api = new OpenAPIBackend({
    definition: document,
    quick: true,
    strict: false,
    validate: true,
    coerceTypes: true,
    ignoreTrailingSlashes: true,
    ajvOpts: { strict: false, allErrors: false, logger: false },
    customizeAjv: (ajv) => addGitHubFormats(ajv),
    handlers: {
      notFound: (): BackendOutcome => ({ kind: 'notFound' }),
      methodNotAllowed: (): BackendOutcome => ({ kind: 'notFound' }),
      validationFail: (c: Context): BackendOutcome => ({
        kind: 'validationFail',
        operationId: String(c.operation.operationId),
        errors: c.validation.errors ?? [],
      }),
      notImplemented: (c: Context): BackendOutcome => ({ kind: 'operation', operationId: String(c.operation.operationId), context: c }),
    },
  });
  const responses = new ResponseValidator(document as unknown as Record<string, unknown>, addGitHubFormats);
  return { api, document, responses };
}

let loading: Promise<LoadedSpec> | undefined;

/** The process-wide backend; the first call loads the description (~0.5 s), later calls are free. */
export function loadSpec(): Promise<LoadedSpec> {
  loading ??= (async () => {
    const started = Date.now();
    const spec = createBackend();
    await spec.api.init();
    return { ...spec, loadMs: Date.now() - started };
  })();
  return loading;
}
