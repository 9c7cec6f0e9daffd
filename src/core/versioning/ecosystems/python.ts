/**
 * Python: `pyproject.toml` `[project] version` (PEP 621) or `[tool.poetry] version`; a dynamic
 * version read from the file the build backend names (`[tool.hatch.version] path`, setuptools
 * `version = { attr = "pkg.__version__" }` or `{ file = "VERSION" }`); `setup.cfg` `[metadata] version`
 * (also `attr:` / `file:`).
 */
import { badInput, checkVersionText, edit, join, locate, splice } from './text';
import { booleanValue, find, nodeLocation, parseToml, stringValue, type TomlDocument } from './toml';
import type { EcosystemAdapter, FileEdit, RepoFiles, SourceLocation, VersionInfo } from './types';

interface Site {
  file: string;
  text: string;
  /** The version's characters in `text`. */
  start: number;
  end: number;
  where: string;
  name: string | null;
}

async function versionSite(dir: string, files: RepoFiles): Promise<Site> {
  const pyFile = join(dir, 'pyproject.toml');
  const pyText = await files.read(pyFile);
  if (pyText !== null) {
    const doc = await parseToml(pyText, pyFile);
    const name = stringValue(find(doc, ['project', 'name'])) ?? stringValue(find(doc, ['tool', 'poetry', 'name']));
    const tomlSite = (path: string[], where: string): Site | null => {
      const node = find(doc, path);
      if (!node) return null;
      if (node.type !== 'TOMLValue' || node.kind !== 'string' || node.multiline) throw badInput('InvalidVersion', nodeLocation(pyFile, node), 'the version must be a one-line string such as "1.2.3".');
      return { file: pyFile, text: pyText, start: node.range[0] + 1, end: node.range[1] - 1, where, name };
    };
    const pep621 = tomlSite(['project', 'version'], `${pyFile} [project] version`);
    if (pep621) return pep621;
    if (isDynamic(doc)) return dynamicSite(dir, files, pyFile, doc, name);
    const poetry = tomlSite(['tool', 'poetry', 'version'], `${pyFile} [tool.poetry] version`);
    if (poetry) return poetry;
  }
  const cfgFile = join(dir, 'setup.cfg');
  const cfgText = await files.read(cfgFile);
  if (cfgText !== null) {
    const v = iniValue(cfgText, 'metadata', 'version');
    if (v) {
      const name = iniValue(cfgText, 'metadata', 'name');
      const nameText = name ? cfgText.slice(name.start, name.end) : null;
      const value = cfgText.slice(v.start, v.end);
      const where = `${cfgFile} [metadata] version`;
      if (value.startsWith('attr:')) return attrSite(dir, files, value.slice(5).trim(), locate(cfgFile, cfgText, v.start), `${where} (attr:)`, nameText);
      if (value.startsWith('file:')) return fileSite(dir, files, value.slice(5).trim().split(',')[0].trim(), locate(cfgFile, cfgText, v.start), `${where} (file:)`, nameText);
      return { file: cfgFile, text: cfgText, start: v.start, end: v.end, where, name: nameText };
    }
  }
  if (pyText === null && cfgText === null) throw badInput('ManifestNotFound', join(dir, 'pyproject.toml'), 'not found (nor setup.cfg).');
  const file = pyText !== null ? pyFile : cfgFile;
  throw badInput('MissingVersion', locate(file, pyText ?? cfgText ?? '', 0), 'no version: add `version = "0.1.0"` under [project] (or declare it dynamic with [tool.hatch.version] path).');
}

function isDynamic(doc: TomlDocument): boolean {
  const dynamic = find(doc, ['project', 'dynamic']);
  return dynamic?.type === 'TOMLArray' && dynamic.elements.some((e) => stringValue(e) === 'version');
}

async function dynamicSite(dir: string, files: RepoFiles, pyFile: string, doc: TomlDocument, name: string | null): Promise<Site> {
  const hatch = find(doc, ['tool', 'hatch', 'version', 'path']);
  if (hatch && stringValue(hatch) !== null) {
    return assignmentSite(files, join(dir, stringValue(hatch)!), ['__version__', 'VERSION'], nodeLocation(pyFile, hatch), `([tool.hatch.version] path in ${pyFile})`, name);
  }
  const attr = find(doc, ['tool', 'setuptools', 'dynamic', 'version', 'attr']);
  if (attr && stringValue(attr) !== null) return attrSite(dir, files, stringValue(attr)!, nodeLocation(pyFile, attr), `(setuptools attr in ${pyFile})`, name);
  const fileNode = find(doc, ['tool', 'setuptools', 'dynamic', 'version', 'file']);
  const fileName = stringValue(fileNode) ?? (fileNode?.type === 'TOMLArray' ? stringValue(fileNode.elements[0]) : null);
  if (fileNode && fileName !== null) return fileSite(dir, files, fileName, nodeLocation(pyFile, fileNode), `(setuptools file in ${pyFile})`, name);
  const dynamic = find(doc, ['project', 'dynamic'])!;
  throw badInput(
    'UnsupportedDynamicVersion',
    nodeLocation(pyFile, dynamic),
    'the version is dynamic, but neither [tool.hatch.version] path nor setuptools attr/file says where it is (a version from git tags, e.g. setuptools-scm, is read from the tags). Set `versioning.versionFiles` for other layouts.',
  );
}

/** setuptools `attr: pkg.mod.__version__`: `pkg/mod.py` or `pkg/mod/__init__.py`, at the root or under `src/`. */
async function attrSite(dir: string, files: RepoFiles, attr: string, from: SourceLocation, where: string, name: string | null): Promise<Site> {
  const parts = attr.split('.');
  const variable = parts.pop()!;
  const module = parts.join('/');
  const candidates = ['', 'src/'].flatMap((prefix) => [`${prefix}${module}.py`, `${prefix}${module}/__init__.py`]).map((f) => join(dir, f));
  for (const file of candidates) if ((await files.read(file)) !== null) return assignmentSite(files, file, [variable], from, where, name);
  throw badInput('DynamicVersionFileNotFound', from, `the version attribute "${attr}" is in none of ${candidates.join(', ')}. Fix the attribute path or add the file.`);
}

/** A file that holds only the version (setuptools `file:`). */
async function fileSite(dir: string, files: RepoFiles, rel: string, from: SourceLocation, where: string, name: string | null): Promise<Site> {
  const file = join(dir, rel);
  const text = await files.read(file);
  if (text === null) throw badInput('DynamicVersionFileNotFound', from, `the version file ${file} was not found. Add it or fix the path.`);
  let start = 0;
  while (start < text.length && /\s/.test(text[start])) start++;
  let end = start;
  while (end < text.length && !/\s/.test(text[end])) end++;
  if (start === end) throw badInput('MissingVersion', locate(file, text, 0), 'the version file is empty.');
  return { file, text, start, end, where: `${file} ${where}`, name };
}

/** `NAME = "1.2.3"` (or single quotes, optional `v`) at the start of a line, as hatch's default pattern reads it. */
async function assignmentSite(files: RepoFiles, file: string, names: string[], from: SourceLocation, where: string, name: string | null): Promise<Site> {
  const text = await files.read(file);
  if (text === null) throw badInput('DynamicVersionFileNotFound', from, `the version file ${file} was not found. Add it or fix the path.`);
  const found = findAssignment(text, names);
  if (!found) throw badInput('MissingVersion', locate(file, text, 0), `no line \`${names[0]} = "1.2.3"\` found.`);
  return { file, text, start: found.start, end: found.end, where: `${file} ${found.name} ${where}`, name };
}

/** Linear scan, line by line: `NAME *= *(['"])v?VALUE\1` (annotations `NAME: str = …` too). */
export function findAssignment(text: string, names: readonly string[]): { name: string; start: number; end: number } | null {
  for (let lineStart = 0; lineStart < text.length; ) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    for (const name of names) {
      if (!text.startsWith(name, lineStart)) continue;
      let i = lineStart + name.length;
      if (text[i] === ':') {
        const eq = text.indexOf('=', i);
        if (eq < 0 || eq > lineEnd) continue;
        i = eq;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (text[i] !== '=') continue;
      i++;
      while (text[i] === ' ' || text[i] === '\t') i++;
      const quote = text[i];
      if (quote !== '"' && quote !== "'") continue;
      let start = i + 1;
      if (text[start] === 'v') start++;
      const close = text.indexOf(quote, start);
      if (close < 0 || close > lineEnd || close === start) continue;
      return { name, start, end: close };
    }
    lineStart = lineEnd + 1;
  }
  return null;
}

/** `key = value` (or `key: value`) in `[section]` of an INI file: the value's characters, trimmed. */
export function iniValue(text: string, section: string, key: string): { start: number; end: number } | null {
  let current = '';
  for (let lineStart = 0; lineStart < text.length; ) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    let i = lineStart;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] === '[' && i === lineStart) {
      const close = text.indexOf(']', i);
      if (close > 0 && close < lineEnd) current = text.slice(i + 1, close).trim();
    } else if (current === section && i === lineStart && text.startsWith(key, i)) {
      let j = i + key.length;
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (text[j] === '=' || text[j] === ':') {
        j++;
        while (j < lineEnd && (text[j] === ' ' || text[j] === '\t')) j++;
        let end = lineEnd;
        while (end > j && /\s/.test(text[end - 1])) end--;
        if (end > j) return { start: j, end };
      }
    }
    lineStart = lineEnd + 1;
  }
  return null;
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  const s = await versionSite(dir, files);
  return { name: s.name, version: s.text.slice(s.start, s.end), where: s.where, location: locate(s.file, s.text, s.start), warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  const s = await versionSite(dir, files);
  return edit(s.file, s.text, splice(s.text, s.start, s.end, checkVersionText(version)));
}

async function detect(dir: string, files: RepoFiles) {
  const manifests = [];
  for (const f of ['pyproject.toml', 'setup.cfg']) if ((await files.read(join(dir, f))) !== null) manifests.push(join(dir, f));
  if (manifests.length === 1 && manifests[0].endsWith('pyproject.toml') && (await notAPackage(manifests[0], files))) return null;
  return manifests.length ? { ecosystem: 'python' as const, dir, manifests } : null;
}

/**
 * A pyproject.toml that says it is no package — uv's `[tool.uv] package = false`, Poetry's
 * `package-mode = false` (a docs or tooling environment, as beside renovate's package.json) — is
 * not released and claims no folder. A file that does not parse is left to readVersion to report.
 */
async function notAPackage(file: string, files: RepoFiles): Promise<boolean> {
  const text = await files.read(file);
  if (text === null || !/\bpackage(?:-mode)?\s*=\s*false\b/.test(text)) return false;
  const doc = await parseToml(text, file).catch(() => null);
  return doc !== null && (booleanValue(find(doc, ['tool', 'uv', 'package'])) === false || booleanValue(find(doc, ['tool', 'poetry', 'package-mode'])) === false);
}

export const python: EcosystemAdapter = { id: 'python', detect, readVersion, writeVersion };
