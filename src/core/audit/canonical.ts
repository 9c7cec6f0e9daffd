import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. One value has
 * exactly one canonical text, so an audit line can be checked byte for byte, not only by meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) setOwn(out, key, sortKeys(v));
    }
    return out;
  }
  return value;
}

/**
 * Turns any value into plain JSON data (what `JSON.stringify` would keep: Dates as ISO strings,
 * `toJSON` honoured, functions dropped, bigint as a decimal string), mapping every string — keys
 * too — through `mapString`. Throws on cycles like `JSON.stringify` does.
 */
export function toJsonData(value: unknown, mapString: (s: string) => string): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  if (text === undefined) return undefined;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return mapString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) setOwn(out, mapString(k), walk(inner));
      return out;
    }
    return v;
  };
  return walk(JSON.parse(text));
}

/** `out[key] = value` that keeps a key named `__proto__` (JSON.parse makes one) a key, not a prototype. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
