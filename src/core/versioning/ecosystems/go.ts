/**
 * Go: modules keep no version in files (the release is the tag). A major version of 2 or more must
 * end the module path with `/vN` (the import compatibility rule), so releasing v2.0.0 of a module
 * whose go.mod says `module example.com/m` is a warning, not a silent tag.
 */
import { badInput, join, locate } from './text';
import type { EcosystemAdapter, RepoFiles, VersionInfo } from './types';

/** The `module` path of go.mod (line scan; `//` comments and quotes handled). */
export function goModulePath(text: string, file: string): { path: string; offset: number } {
  for (let lineStart = 0; lineStart < text.length; ) {
    const nl = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, nl < 0 ? text.length : nl).replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed.startsWith('module') && /\s/.test(trimmed[6] ?? '')) {
      let rest = trimmed.slice(6).trim();
      const comment = rest.indexOf('//');
      if (comment >= 0) rest = rest.slice(0, comment).trim();
      if (rest.startsWith('"') && rest.endsWith('"')) rest = rest.slice(1, -1);
      if (rest) return { path: rest, offset: lineStart + line.indexOf(rest) };
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  throw badInput('MissingModule', locate(file, text, 0), 'no `module` line. Add `module example.com/your/module`.');
}

/** The warning for releasing `version` of a module with this path, or null. */
export function goMajorWarning(modulePath: string, version: string, file = 'go.mod'): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
  const suffix = /\/v(\d+)$/.exec(modulePath);
  const suffixMajor = suffix ? Number(suffix[1]) : null;
  if (major >= 2 && suffixMajor !== major) {
    return `${file}: version ${version} needs the module path to end in /v${major} (it is "${modulePath}"); without it Go users cannot \`go get\` this release. Change the module line to "${suffix ? modulePath.slice(0, -suffix[0].length) : modulePath}/v${major}" and update the imports, or release a lower major.`;
  }
  if (major < 2 && suffixMajor !== null) return `${file}: the module path ends in /v${suffixMajor}, but version ${version} has major ${major}.`;
  return null;
}

async function modulePath(dir: string, files: RepoFiles) {
  const file = join(dir, 'go.mod');
  const text = await files.read(file);
  if (text === null) throw badInput('ManifestNotFound', file, 'not found.');
  return { file, text, ...goModulePath(text, file) };
}

export const go: EcosystemAdapter = {
  id: 'go',
  async detect(dir, files) {
    return (await files.read(join(dir, 'go.mod'))) === null ? null : { ecosystem: 'go', dir, manifests: [join(dir, 'go.mod')] };
  },
  async readVersion(dir, files): Promise<VersionInfo> {
    const m = await modulePath(dir, files);
    return { name: m.path, version: null, where: `git tags (Go modules keep no version in ${m.file})`, location: null, warnings: [] };
  },
  async writeVersion() {
    return [];
  },
  async checkNext(dir, files, version) {
    const m = await modulePath(dir, files);
    const w = goMajorWarning(m.path, version, m.file);
    return w ? [w] : [];
  },
};
