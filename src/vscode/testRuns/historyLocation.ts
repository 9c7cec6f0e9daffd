import { createHash } from 'node:crypto';
import * as path from 'node:path';

/**
 * Where the test history of a repository is kept: the extension's storage (workspace storage, or
 * global storage without a workspace), one file per repository, named by a hash of its root.
 * Local runs and CI runs imported from artifacts go into the same file (`source: 'local' | 'ci'`).
 */
export function historyFile(repoRoot: string, storageUri: { fsPath: string } | string): string {
  const dir = typeof storageUri === 'string' ? storageUri : storageUri.fsPath;
  const id = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
  return path.join(dir, 'test-history', `${id}.json`);
}
