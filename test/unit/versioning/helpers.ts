import type { ConventionalCommit } from '../../../src/core/versioning/commits';
import { loadMessageParser } from '../../../src/core/versioning/conventionalParser';

let n = 0;
/** A ConventionalCommit from a message, with a fresh fake sha. */
export async function commit(message: string, extra: Partial<ConventionalCommit> = {}): Promise<ConventionalCommit> {
  const parse = await loadMessageParser();
  const sha = (++n).toString(16).padStart(40, 'c');
  return { sha, parents: ['p'], merge: false, authorName: 'a', authorEmail: 'a@x', date: '2024-01-01T00:00:00Z', message, ...parse(message), ...extra };
}

export function commits(...messages: string[]): Promise<ConventionalCommit[]> {
  return Promise.all(messages.map((m) => commit(m)));
}
