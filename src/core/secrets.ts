/**
 * Secrets never leave the process: everything the tool prints, logs or records goes through `redact`.
 *
 * Known secret values are
 * - the values (length ≥ 6) of environment variables whose names say they hold one (`GITHUB_TOKEN`,
 *   `GH_TOKEN`, `NPM_TOKEN`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_KEY`, …) — of `process.env`
 *   (read once, on first use; `refreshProcessEnvSecrets` re-reads it) and of any environment given to
 *   `registerSecretsFromEnv` (the CLI's, which tests replace);
 * - values handed to `registerSecret` (a token from the editor's SecretStorage or a sign-in session).
 * Each is replaced with `***` wherever it appears, also in its JSON-escaped and URL-encoded forms.
 * Independently of any known value, credentials in URLs (`https://TOKEN@host`,
 * `https://user:pass@host`, `?access_token=…`, `&token=…`), `Authorization: Bearer …` and GitHub
 * token formats (`ghp_…`, `github_pat_…`) are masked.
 *
 * Every pattern here runs in linear time: redaction sits on every output path, including text a
 * hostile repository controls (commit messages, suite output).
 */

/** Shortest value treated as a secret (shorter ones would mask ordinary words and numbers). */
export const MIN_SECRET_LENGTH = 6;

const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|KEY|APIKEY|PAT|CREDENTIALS?|AUTH)$/i;
const SECRET_NAME_EXACT = new Set(['GITHUB_TOKEN', 'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'CODECOV_TOKEN']);

/** Whether an environment variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME_EXACT.has(name.toUpperCase()) || SECRET_NAME.test(name);
}

/** The secret values of an environment (see the module comment for which names count). */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || !isSecretName(name)) continue;
    const v = value.trim();
    if (v.length >= MIN_SECRET_LENGTH) out.push(v);
  }
  return out;
}

/** value → how many registrations hold it (a value stays a secret until every holder lets go). */
const registered = new Map<string, number>();
let processEnvSecrets: string[] | null = null;
let matcher: RegExp | null | undefined; // undefined: rebuild; null: nothing to match
/** The forms of the known values as they appear in JSON text (see `mayNeedRedaction`); rebuilt with `matcher`. */
let jsonMatcher: RegExp | null | undefined;

/**
 * Makes `value` a known secret (ignored when shorter than MIN_SECRET_LENGTH). Returns a function that
 * forgets it again (for values whose lifetime ends, e.g. a signed-out session or one CLI run).
 */
export function registerSecret(value: string | null | undefined): () => void {
  const v = value?.trim();
  if (!v || v.length < MIN_SECRET_LENGTH) return () => {};
  registered.set(v, (registered.get(v) ?? 0) + 1);
  matcher = undefined;
  jsonMatcher = undefined;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (registered.get(v) ?? 1) - 1;
    if (n <= 0) registered.delete(v);
    else registered.set(v, n);
    matcher = undefined;
    jsonMatcher = undefined;
  };
}

/** Registers every secret value of `env`; returns a function that forgets them again. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv): () => void {
  const forget = secretValuesFromEnv(env).map(registerSecret);
  return () => forget.forEach((f) => f());
}

/** Re-reads `process.env` (it is read once, on the first `redact`). */
export function refreshProcessEnvSecrets(): void {
  processEnvSecrets = secretValuesFromEnv(process.env);
  matcher = undefined;
  jsonMatcher = undefined;
}

/** The forms a value may take in output: as is, inside a JSON string, URL-encoded. */
function forms(value: string): string[] {
  const out = [value];
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) out.push(json);
  const uri = encodeURIComponent(value);
  if (uri !== value) out.push(uri);
  return out;
}

/** Every form of `value`, and each of those as it reads inside a JSON string (where `redact` would find it in the string). */
function jsonForms(value: string): string[] {
  const out = new Set<string>();
  for (const f of forms(value)) {
    out.add(f);
    out.add(JSON.stringify(f).slice(1, -1));
  }
  return [...out];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression matching any of `values` (longest first), null for none. */
function alternation(values: Iterable<string>): RegExp | null {
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  return sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
}

/** Every known secret value: the process environment's and the registered ones. */
function knownValues(): string[] {
  processEnvSecrets ??= secretValuesFromEnv(process.env);
  return [...processEnvSecrets, ...registered.keys()];
}

function knownJsonMatcher(): RegExp | null {
  if (jsonMatcher === undefined) jsonMatcher = alternation(knownValues().flatMap(jsonForms));
  return jsonMatcher;
}

function knownMatcher(): RegExp | null {
  // Longest first (alternation), so a secret containing another is masked whole.
  if (matcher === undefined) matcher = alternation(knownValues().flatMap(forms));
  return matcher;
}

/** Query parameters that carry credentials. */
const QUERY_SECRET = /([?&;](?:access_token|token|private_token|refresh_token|id_token|auth|api_key|apikey|key|secret|client_secret|password|passwd|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential)=)[^&#\s"'<>]+/gi;
/**
 * URL user info (`//user:pass@`, `//TOKEN@`): everything between `//` and `@` in the authority. A bare
 * user name of an ssh URL (`ssh://git@host`) is not a credential (ssh authenticates with keys) and stays.
 */
const URL_USERINFO = /:\/\/([^\s/?#@"'<>]+)@/g;
const SSH_SCHEME = /(?:^|[^A-Za-z0-9+.-])(?:ssh|git\+ssh|ssh\+git)$/i;
function maskUserInfo(match: string, userInfo: string, offset: number, whole: string): string {
  if (!userInfo.includes(':') && SSH_SCHEME.test(whole.slice(Math.max(0, offset - 12), offset))) return match;
  return '://***@';
}
/** GitHub token formats. */
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,})\b/g;
/** `Authorization: Bearer X`, `token=X`, `token: X`. */
const AUTH_VALUE = /((?:authorization|token)[ \t]*[:=][ \t]*(?:bearer[ \t]+|token[ \t]+|basic[ \t]+)?)[^\s"',&;]+/gi;

/**
 * `text` with every known secret value (and `extra`, values of length ≥ 4) and every credential in
 * the forms above replaced by `***`.
 */
export function redact(text: string, extra: readonly string[] = []): string {
  return text && mayHoldSecret(text, extra) ? redactAll(text, extra) : text;
}

/** `redact` without its pre-check: every replacement, on any text (what the pre-check must agree with). */
export function redactAll(text: string, extra: readonly string[] = []): string {
  let out = text;
  const known = knownMatcher();
  if (known) out = out.replace(known, '***');
  if (extra.length) {
    const values = [...new Set(extra.map((s) => s.trim()).filter((s) => s.length >= 4).flatMap(forms))].sort((a, b) => b.length - a.length);
    if (values.length) out = out.replace(new RegExp(values.map(escapeRegExp).join('|'), 'g'), '***');
  }
  return out
    .replace(GITHUB_TOKEN, '***')
    .replace(URL_USERINFO, maskUserInfo)
    .replace(QUERY_SECRET, '$1***')
    .replace(AUTH_VALUE, '$1***');
}

/* Loose forms of the patterns above, for `mayNeedRedaction`: each matches (somewhere) the JSON
 * serialization of any string the strict one matches, whatever JSON escaping did around it (e.g. a
 * newline before a token is `\n` there, which breaks the strict `\b`; a tab is `\t`). They may match
 * more; all run in linear time. */
const GITHUB_TOKEN_LOOSE = /gh[pousr]_[A-Za-z0-9_]{16}|github_pat_[A-Za-z0-9_]{20}/;
const URL_USERINFO_LOOSE = /:\/\/[^/@"]*@/; // (no `"`: in a JSON text a match never runs on into the next string)
const QUERY_SECRET_LOOSE = /[?&;](?:access_token|token|private_token|refresh_token|id_token|auth|api_key|apikey|key|secret|client_secret|password|passwd|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential)=/i;
const AUTH_VALUE_LOOSE = /(?:authorization|token)(?:[ \t]|\\t)*[:=]/i;

/**
 * Whether `json`, the `JSON.stringify` text of a document, holds a string `redact` would change: a
 * known secret (or one of `extra`) in any of its forms, or a credential pattern. false is certain
 * (nothing to redact anywhere in the document, keys included); true may be a false alarm.
 * A string holding a form F of a secret serializes to text holding F escaped as JSON escapes it
 * (character by character), hence `jsonForms`.
 */
export function mayNeedRedaction(json: string, extra: readonly string[] = []): boolean {
  return mayMatch(json, extra, knownJsonMatcher(), jsonForms);
}

/**
 * Whether `text` (a plain string, not JSON) may hold something `redact` masks: the loose forms
 * above match wherever the strict ones do. Most strings hold nothing, and this is a few tests
 * where `redact` would be five replacements (a document of 12,000 tags: ~175 → ~100 ms).
 */
function mayHoldSecret(text: string, extra: readonly string[]): boolean {
  return mayMatch(text, extra, knownMatcher(), forms);
}

/** A known value (through `known`), a form of one of `extra` (through `formsOf`), or a loose credential form in `text`. */
function mayMatch(text: string, extra: readonly string[], known: RegExp | null, formsOf: (value: string) => string[]): boolean {
  if (known) {
    known.lastIndex = 0;
    if (known.test(text)) return true;
  }
  for (const s of extra) {
    const v = s.trim();
    if (v.length >= 4 && formsOf(v).some((f) => text.includes(f))) return true;
  }
  return GITHUB_TOKEN_LOOSE.test(text) || URL_USERINFO_LOOSE.test(text) || QUERY_SECRET_LOOSE.test(text) || AUTH_VALUE_LOOSE.test(text);
}

/**
 * `JSON.stringify(redactDeep(value, extra), null, space)`, in one serialization and one scan of the
 * text when there is nothing to redact (the common case: a document of ~2 MB then costs a few ms).
 */
export function redactJson(value: unknown, extra: readonly string[] = [], space?: number): string {
  const text = JSON.stringify(value, null, space);
  if (text === undefined || !mayNeedRedaction(text, extra)) return text;
  return JSON.stringify(redactDeepWalk(value, extra), null, space);
}

/**
 * Plain JSON-like data with every string (object keys too) redacted: for documents that are
 * serialized afterwards (redacting the serialized text could break its syntax). A deep copy when
 * something may need redaction; `value` itself when its serialization shows nothing to redact.
 * Non-plain objects are passed through `toJSON` the way `JSON.stringify` would.
 */
export function redactDeep<T>(value: T, extra: readonly string[] = []): T {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // a cycle or a BigInt: the walk below, and JSON.stringify reports it later
  }
  if (text !== undefined && !mayNeedRedaction(text, extra)) return value;
  return redactDeepWalk(value, extra);
}

function redactDeepWalk<T>(value: T, extra: readonly string[]): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, extra);
    if (v === null || typeof v !== 'object') return v;
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return walk((v as { toJSON(): unknown }).toJSON());
    if (seen.has(v)) return v; // JSON.stringify will report the cycle
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(v) === null ? null : Object.prototype) as Record<string, unknown>;
    for (const [k, inner] of Object.entries(v)) {
      Object.defineProperty(out, redact(k, extra), { value: walk(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return walk(value) as T;
}
