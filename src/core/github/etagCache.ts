/**
 * The ETag cache of GET responses. A conditional request (`If-None-Match`) answered 304 costs no
 * rate limit, and the body is taken from here. Bounded: least recently used entries go first.
 */
import { createHash } from 'node:crypto';

export interface CachedResponse {
  etag: string;
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export class EtagCache<V = CachedResponse> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, V>();

  constructor(readonly maxEntries = 500) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Like `get` but does not count as a use. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/**
 * Who is asking, without the token: a short hash, so responses of one account are never served to
 * another and the token never sits in a cache key.
 */
export function authIdentity(token: string | undefined): string {
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 16) : 'anonymous';
}

/** Method, full URL (with the query), media type and identity: what makes two GETs the same. */
export function etagCacheKey(method: string, url: string, identity: string, accept = ''): string {
  return `${method.toUpperCase()} ${url} ${accept} ${identity}`;
}
