/** Java with Gradle: `version=` in `gradle.properties` (the place Gradle's own release tooling uses). */
import { badInput, checkVersionText, edit, join, locate, splice } from './text';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const PROPERTIES = 'gradle.properties';
const BUILD_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

/**
 * A key's value in a .properties file, by a line scan: comments (`#`, `!`), separators `=`, `:` or
 * white space, continuation lines skipped. The value's characters, trimmed; null when absent.
 */
export function propertyValue(text: string, key: string): { start: number; end: number } | null {
  let continued = false;
  for (let lineStart = 0; lineStart <= text.length; ) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    let contentEnd = lineEnd;
    if (text[contentEnd - 1] === '\r') contentEnd--;
    const wasContinued = continued;
    let backslashes = 0;
    for (let i = contentEnd - 1; i >= lineStart && text[i] === '\\'; i--) backslashes++;
    continued = backslashes % 2 === 1;
    if (!wasContinued) {
      let i = lineStart;
      while (i < contentEnd && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
      if (text[i] !== '#' && text[i] !== '!' && text.startsWith(key, i)) {
        let j = i + key.length;
        const c = text[j];
        if (j === contentEnd || c === '=' || c === ':' || c === ' ' || c === '\t') {
          while (text[j] === ' ' || text[j] === '\t') j++;
          if (text[j] === '=' || text[j] === ':') j++;
          while (text[j] === ' ' || text[j] === '\t') j++;
          let end = contentEnd;
          while (end > j && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
          if (continued || text.slice(j, end).includes('\\')) return null;
          return { start: j, end };
        }
      }
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return null;
}

async function site(dir: string, files: RepoFiles) {
  const file = join(dir, PROPERTIES);
  const text = await files.read(file);
  const v = text === null ? null : propertyValue(text, 'version');
  if (text === null || v === null || v.start === v.end) {
    throw badInput('MissingVersion', text === null ? file : locate(file, text, 0), 'no `version=` in gradle.properties. Move the version there (and read it in build.gradle as `version = property("version")`).');
  }
  const name = propertyValue(text, 'name');
  return { file, text, ...v, name: name ? text.slice(name.start, name.end) : null };
}

export const gradle: EcosystemAdapter = {
  id: 'gradle',
  async detect(dir, files) {
    const names = await files.fileNames(dir);
    const found = [PROPERTIES, ...BUILD_FILES].filter((n) => names.includes(n));
    return found.some((n) => BUILD_FILES.includes(n)) ? { ecosystem: 'gradle', dir, manifests: found.map((n) => join(dir, n)) } : null;
  },
  async readVersion(dir, files): Promise<VersionInfo> {
    const s = await site(dir, files);
    return { name: s.name, version: s.text.slice(s.start, s.end), where: `${s.file} version`, location: locate(s.file, s.text, s.start), warnings: [] };
  },
  async writeVersion(dir, files, version): Promise<FileEdit[]> {
    const s = await site(dir, files);
    return edit(s.file, s.text, splice(s.text, s.start, s.end, checkVersionText(version)));
  },
};
