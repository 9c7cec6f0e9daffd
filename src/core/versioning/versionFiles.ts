/**
 * Extra files that carry the version (`versioning.versionFiles` of `.sdlc.json`): a path and a
 * regular expression whose ONE capture group is the version, e.g.
 * `{ "path": "src/version.ts", "pattern": "VERSION = '([^']+)'" }`. Every match is updated; the
 * rest of the file stays byte for byte.
 */
import { SdlcError } from '../errors';

export interface VersionFileConfig {
  /** Relative to the package folder, `/`-separated. */
  path: string;
  /** A JavaScript regular expression (multiline) with exactly one capture group: the version. */
  pattern: string;
}

/** Compiles a pattern, checking it has exactly one capture group. */
export function compileVersionPattern(pattern: string, file: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'gm');
  } catch (e) {
    throw new SdlcError('InvalidVersionFile', `The pattern of the version file ${file} is not a valid regular expression: ${(e as Error).message}`, { usage: true });
  }
  // An alternative that matches the empty string reveals the number of groups.
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  if (groups !== 1) {
    throw new SdlcError('InvalidVersionFile', `The pattern of the version file ${file} must have exactly one capture group (the version); it has ${groups}. Use (?:…) for other groups.`, { usage: true });
  }
  return re;
}

/**
 * `text` with the version of every match replaced by `next`. No match → a usage error (the config
 * is wrong, or the file changed). `found` lists the versions the file said before.
 */
export function setFileVersion(text: string, pattern: string, next: string, file: string): { text: string; found: string[] } {
  const re = compileVersionPattern(pattern, file);
  const found: string[] = [];
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const version = m[1];
    if (version === undefined) continue;
    // The group's offset: the first occurrence of its text inside the match (exact for the usual
    // patterns where the version is the only place that text appears in the match).
    const start = m.index + m[0].indexOf(version);
    out += text.slice(last, start) + next;
    last = start + version.length;
    found.push(version);
  }
  if (found.length === 0) {
    throw new SdlcError('VersionNotFound', `The version file ${file} has no match for its pattern /${pattern}/; fix the pattern in .sdlc.json (versioning.versionFiles).`, { usage: true });
  }
  return { text: out + text.slice(last), found };
}
