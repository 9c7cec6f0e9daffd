/**
 * Rust: `Cargo.toml` `[package] version`, or `[workspace.package] version` inherited by members
 * through `version.workspace = true`; `[workspace] members`; version requirements between members
 * (path dependencies); `Cargo.lock` entries of members.
 */
import { badInput, checkVersionText, edit, join, locate, parentDir, required } from './text';
import { booleanValue, entries, find, hasTable, nodeLocation, parseToml, setString, stringValue, arrayTables, type TomlDocument, type TomlNode } from './toml';
import { expandMembers } from './members';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const MANIFEST = 'Cargo.toml';

interface Site {
  file: string;
  text: string;
  node: TomlNode;
  where: string;
}

async function manifest(files: RepoFiles, dir: string): Promise<{ file: string; text: string; doc: TomlDocument }> {
  const file = join(dir, MANIFEST);
  const text = await required(files, file, 'the Rust package manifest');
  return { file, text, doc: await parseToml(text, file) };
}

/** The folder of the workspace root of `dir`: `package.workspace` when set, else the nearest folder up whose Cargo.toml has `[workspace]`. */
async function workspaceRoot(files: RepoFiles, dir: string, doc: TomlDocument): Promise<string | null> {
  const explicit = stringValue(find(doc, ['package', 'workspace']));
  if (explicit !== null) return join(dir, explicit).replace(/\/$/, '');
  for (let d: string | null = dir; d !== null; d = parentDir(d)) {
    const text = d === dir ? null : await files.read(join(d, MANIFEST));
    if (d === dir ? hasTable(doc, ['workspace']) : text !== null && hasTable(await parseToml(text, join(d, MANIFEST)), ['workspace'])) return d;
  }
  return null;
}

/** Where the version of the package in `dir` is written. */
async function versionSite(files: RepoFiles, dir: string): Promise<Site & { name: string | null }> {
  const { file, text, doc } = await manifest(files, dir);
  const name = stringValue(find(doc, ['package', 'name']));
  const own = find(doc, ['package', 'version']);
  if (own && own.type === 'TOMLValue') {
    if (own.kind !== 'string') throw badInput('InvalidVersion', nodeLocation(file, own), 'the version must be a string such as "1.2.3".');
    return { file, text, node: own, where: `${file} [package] version`, name };
  }
  const inherits = booleanValue(find(doc, ['package', 'version', 'workspace']));
  if (inherits) {
    const flag = find(doc, ['package', 'version', 'workspace'])!;
    const root = await workspaceRoot(files, dir, doc);
    const rootFile = root === null ? null : join(root, MANIFEST);
    const rootText = rootFile === null ? null : root === dir ? text : await files.read(rootFile);
    const rootDoc = rootText === null ? null : root === dir ? doc : await parseToml(rootText, rootFile!);
    const node = rootDoc ? find(rootDoc, ['workspace', 'package', 'version']) : undefined;
    if (!node || stringValue(node) === null) {
      throw badInput(
        'MissingWorkspaceVersion',
        nodeLocation(file, flag),
        `version.workspace = true, but ${rootFile ?? 'no workspace root above this package'} has no [workspace.package] version. Add \`version = "0.1.0"\` under [workspace.package] there.`,
      );
    }
    return { file: rootFile!, text: rootText!, node, where: `${rootFile} [workspace.package] version (inherited by ${file})`, name };
  }
  if (!hasTable(doc, ['package'])) {
    const node = find(doc, ['workspace', 'package', 'version']);
    if (node && stringValue(node) !== null) return { file, text, node, where: `${file} [workspace.package] version`, name: null };
  }
  throw badInput('MissingVersion', locate(file, text, 0), 'no [package] version (nor [workspace.package] version). Add `version = "0.1.0"` under [package].');
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  const site = await versionSite(files, dir);
  return { name: site.name, version: stringValue(site.node), where: site.where, location: nodeLocation(site.file, site.node), warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  const site = await versionSite(files, dir);
  return edit(site.file, site.text, setString(site.text, site.file, site.node, checkVersionText(version)));
}

async function members(dir: string, files: RepoFiles): Promise<string[]> {
  const { file, doc } = await manifest(files, dir);
  const list = (path: string[]) => {
    const node = find(doc, path);
    return node?.type === 'TOMLArray' ? node.elements.map((e) => stringValue(e)).filter((s): s is string => s !== null) : [];
  };
  const patterns = list(['workspace', 'members']);
  return patterns.length ? expandMembers(files, dir, patterns, MANIFEST, file, list(['workspace', 'exclude'])) : [];
}

/** name and current version of each moved member. */
async function moved(files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<Map<string, { from: string; to: string }>> {
  const out = new Map<string, { from: string; to: string }>();
  for (const [memberDir, to] of versions) {
    const info = await readVersion(memberDir, files);
    if (info.name && info.version) out.set(info.name, { from: info.version, to: checkVersionText(to) });
  }
  return out;
}

/** `Cargo.lock` next to the workspace root: each member's `[[package]]` entry (no `source`: not from a registry) at its new version. */
async function lockfiles(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  const file = join(dir, 'Cargo.lock');
  const text = await files.read(file);
  if (text === null || versions.size === 0) return [];
  const names = await moved(files, versions);
  const doc = await parseToml(text, file);
  const sites: { node: TomlNode; to: string }[] = [];
  for (const pkg of arrayTables(doc, 'package')) {
    const name = stringValue(pkg.get('name'));
    const m = name === null ? undefined : names.get(name);
    const node = pkg.get('version');
    if (m && !pkg.has('source') && node && stringValue(node) === m.from) sites.push({ node, to: m.to });
  }
  let out = text;
  for (const s of sites.sort((a, b) => b.node.range[0] - a.node.range[0])) out = setString(out, file, s.node, s.to);
  return edit(file, text, out);
}

const DEPENDENCY_KINDS = new Set(['dependencies', 'dev-dependencies', 'build-dependencies']);

/**
 * Path dependencies on moved members get the new version as their requirement (operator and
 * precision kept: `"^1.2"` → `"^1.3"`, `"=1.2.3"` → `"=1.3.0"`), in the root's
 * `[workspace.dependencies]` and every member's dependency tables.
 */
async function dependencyEdits(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  if (versions.size === 0) return [];
  const names = await moved(files, versions);
  const out: FileEdit[] = [];
  for (const memberDir of [dir, ...(await members(dir, files)).filter((m) => m !== dir)]) {
    const { file, text, doc } = await manifest(files, memberDir);
    const sites: { node: TomlNode; to: string }[] = [];
    const all = [...entries(doc)];
    const get = (path: string[]) => all.find((e) => e.path.length === path.length && e.path.every((p, i) => p === path[i]))?.node;
    for (const e of all) {
      const p = e.path;
      if (p[p.length - 1] !== 'version' || stringValue(e.node) === null) continue;
      const table = p.slice(0, -1);
      const isDependency =
        (table.length === 2 && DEPENDENCY_KINDS.has(table[0])) ||
        (table.length === 4 && table[0] === 'target' && DEPENDENCY_KINDS.has(table[2])) ||
        (table.length === 3 && table[0] === 'workspace' && table[1] === 'dependencies');
      if (!isDependency || stringValue(get([...table, 'path'])) === null) continue;
      const name = stringValue(get([...table, 'package'])) ?? table[table.length - 1];
      const m = names.get(name);
      const next = m ? cargoRequirement(stringValue(e.node)!, m.to) : null;
      if (next !== null && next !== stringValue(e.node)) sites.push({ node: e.node, to: next });
    }
    let after = text;
    for (const s of sites.sort((a, b) => b.node.range[0] - a.node.range[0])) after = setString(after, file, s.node, s.to);
    out.push(...edit(file, text, after));
  }
  return out;
}

/** A Cargo requirement moved to `version`, keeping operator and precision; null for anything but one comparator (`*`, ranges with `,`). */
export function cargoRequirement(req: string, version: string): string | null {
  const m = /^(\s*)(\^|~|=|>=|>|<=|<)?(\s*)(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?(\s*)$/.exec(req);
  if (!m) return null;
  const parts = m[4].split('.').length;
  const v = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/.exec(version);
  if (!v) return null;
  const body = v[4] || m[5] ? `${v[1]}.${v[2]}.${v[3]}${v[4] ?? ''}` : [v[1], v[2], v[3]].slice(0, parts).join('.');
  return `${m[1]}${m[2] ?? ''}${m[3]}${body}${m[7]}`;
}

async function detect(dir: string, files: RepoFiles) {
  const text = await files.read(join(dir, MANIFEST));
  return text === null ? null : { ecosystem: 'cargo' as const, dir, manifests: [join(dir, MANIFEST)] };
}

export const cargo: EcosystemAdapter = { id: 'cargo', detect, readVersion, writeVersion, members, lockfiles, dependencyEdits };
