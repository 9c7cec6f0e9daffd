import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RepoFiles } from './types';

/**
 * RepoFiles over a folder on disk. Paths are relative and `/`-separated; anything that resolves
 * outside the root (`..`, a symlink pointing out) reads as absent, so a hostile repository cannot
 * make an adapter read files elsewhere.
 */
export function diskFiles(root: string): RepoFiles {
  const base = path.resolve(root);
  let realBase: Promise<string> | undefined;
  const inside = async (rel: string): Promise<string | null> => {
    if (rel.split('/').includes('..') || path.isAbsolute(rel)) return null;
    const full = path.join(base, rel);
    try {
      const real = await fs.realpath(full);
      const top = await (realBase ??= fs.realpath(base));
      return real === top || real.startsWith(top + path.sep) ? real : null;
    } catch {
      return null;
    }
  };
  return {
    async read(file) {
      const full = await inside(file);
      if (full === null) return null;
      const stat = await fs.stat(full).catch(() => null);
      return stat?.isFile() ? fs.readFile(full, 'utf8') : null;
    },
    async folders(dir) {
      const full = await inside(dir === '.' ? '' : dir);
      if (full === null) return [];
      const list = await fs.readdir(full, { withFileTypes: true }).catch(() => []);
      return list.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    },
    async fileNames(dir) {
      const full = await inside(dir === '.' ? '' : dir);
      if (full === null) return [];
      const list = await fs.readdir(full, { withFileTypes: true }).catch(() => []);
      return list.filter((e) => e.isFile()).map((e) => e.name).sort();
    },
  };
}

/** RepoFiles over a map of paths to texts (tests, and planning against a commit's blobs). */
export function memoryFiles(contents: Readonly<Record<string, string>>): RepoFiles {
  return {
    async read(file) {
      return Object.prototype.hasOwnProperty.call(contents, file) ? contents[file] : null;
    },
    async folders(dir) {
      const prefix = dir === '.' ? '' : `${dir}/`;
      const names = new Set<string>();
      for (const file of Object.keys(contents)) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length).split('/');
        if (rest.length > 1) names.add(rest[0]);
      }
      return [...names].sort();
    },
    async fileNames(dir) {
      const prefix = dir === '.' ? '' : `${dir}/`;
      return Object.keys(contents)
        .filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/'))
        .map((f) => f.slice(prefix.length))
        .sort();
    },
  };
}
