/**
 * Java with Maven: `pom.xml` `<project><version>`, CI-friendly `${revision}` (and other `${property}`)
 * versions defined in `<properties>` of the pom or its parent, multi-module `<modules>` whose children
 * name the parent's version in `<parent><version>`.
 */
import { badInput, checkVersionText, edit, join, locate, normalizeDir, parentDir, required } from './text';
import { xmlElements, xmlFind, xmlLocation, xmlSetText, xmlText, type XmlElement } from './xml';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const POM = 'pom.xml';

async function pom(files: RepoFiles, dir: string): Promise<{ file: string; text: string; elements: XmlElement[] }> {
  const file = join(dir, POM);
  const text = await required(files, file, 'the Maven project');
  return { file, text, elements: xmlElements(text, file) };
}

interface Site {
  file: string;
  text: string;
  el: XmlElement;
  where: string;
  name: string | null;
}

async function versionSite(dir: string, files: RepoFiles): Promise<Site> {
  const { file, text, elements } = await pom(files, dir);
  const value = (path: string[]) => {
    const el = xmlFind(elements, path);
    return el ? xmlText(text, el)?.value ?? null : null;
  };
  const name = value(['project', 'artifactId']);
  const own = xmlFind(elements, ['project', 'version']);
  if (!own) {
    const inherited = xmlFind(elements, ['project', 'parent', 'version']);
    if (inherited) {
      throw badInput(
        'InheritedVersion',
        xmlLocation(file, text, inherited),
        `this module has no <version> of its own; it inherits ${value(['project', 'parent', 'version']) ?? 'its'} from its parent. Release the parent project (the folder listing it in <modules>), or give the module a <version>.`,
      );
    }
    throw badInput('MissingVersion', locate(file, text, 0), 'no <project><version>. Add one (e.g. <version>0.1.0</version>).');
  }
  const t = xmlText(text, own);
  if (t === null || t.value === '') throw badInput('InvalidVersion', xmlLocation(file, text, own), '<version> must hold a plain version.');
  const property = /^\$\{([A-Za-z0-9_.-]+)\}$/.exec(t.value)?.[1];
  if (!property) return { file, text, el: own, where: `${file} <project><version>`, name };
  // CI-friendly version: the property in this pom, else in the parent's (relativePath, default ../pom.xml).
  const here = xmlFind(elements, ['project', 'properties', property]);
  if (here) return { file, text, el: here, where: `${file} <properties><${property}> (the project's version is \${${property}})`, name };
  const relative = value(['project', 'parent', 'relativePath']) ?? '../pom.xml';
  const parentFolder = relative.endsWith('.xml') ? parentDir(normalizeDir(join(dir, relative), file)) : normalizeDir(join(dir, relative), file);
  if (xmlFind(elements, ['project', 'parent']) && parentFolder !== null) {
    const parent = await files.read(join(parentFolder, POM));
    if (parent !== null) {
      const parentFile = join(parentFolder, POM);
      const pe = xmlElements(parent, parentFile);
      const there = xmlFind(pe, ['project', 'properties', property]);
      if (there) return { file: parentFile, text: parent, el: there, where: `${parentFile} <properties><${property}> (inherited by ${file})`, name };
    }
  }
  throw badInput('MissingVersion', xmlLocation(file, text, own), `the version is \${${property}}, but no <properties><${property}> defines it here or in the parent pom (a value given only with -D${property}=… on the command line cannot be released by editing files).`);
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  const s = await versionSite(dir, files);
  return { name: s.name, version: xmlText(s.text, s.el)!.value, where: s.where, location: xmlLocation(s.file, s.text, s.el), warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  const s = await versionSite(dir, files);
  return edit(s.file, s.text, xmlSetText(s.text, s.file, s.el, checkVersionText(version)));
}

async function members(dir: string, files: RepoFiles): Promise<string[]> {
  const { file, text, elements } = await pom(files, dir);
  const out: string[] = [];
  for (const el of elements) {
    if (el.path.length !== 3 || el.path[0] !== 'project' || el.path[1] !== 'modules' || el.path[2] !== 'module') continue;
    const module = xmlText(text, el)?.value;
    if (!module) continue;
    const folder = module.endsWith('.xml') ? parentDir(normalizeDir(join(dir, module), file))! : normalizeDir(join(dir, module), file);
    if ((await files.read(join(folder, POM))) === null) throw badInput('ManifestNotFound', xmlLocation(file, text, el), `the module ${module} has no ${join(folder, POM)}.`);
    out.push(folder, ...(await members(folder, files)));
  }
  return [...new Set(out)].sort();
}

/**
 * Children naming the parent's old version in `<parent><version>` (and sibling dependencies written
 * with the old version) follow the parent's new version (`versions.get(dir)`).
 */
async function dependencyEdits(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  const next = versions.get(dir);
  if (!next) return [];
  const old = (await readVersion(dir, files)).version!;
  const root = await pom(files, dir);
  const group = (els: XmlElement[], text: string) => {
    const g = xmlFind(els, ['project', 'groupId']) ?? xmlFind(els, ['project', 'parent', 'groupId']);
    return g ? xmlText(text, g)?.value ?? null : null;
  };
  const mods = await members(dir, files);
  const artifacts = new Set<string>();
  for (const m of [dir, ...mods]) {
    const p = await pom(files, m);
    const a = xmlFind(p.elements, ['project', 'artifactId']);
    if (a) artifacts.add(`${group(p.elements, p.text)}:${xmlText(p.text, a)?.value}`);
  }
  const out: FileEdit[] = [];
  for (const m of mods) {
    const { file, text, elements } = await pom(files, m);
    const sites: XmlElement[] = [];
    const parentVersion = xmlFind(elements, ['project', 'parent', 'version']);
    if (parentVersion && xmlText(text, parentVersion)?.value === old) sites.push(parentVersion);
    // <dependency> elements (also under dependencyManagement) on a module of this project, at the old version.
    for (const dep of elements.filter((e) => e.path.at(-1) === 'dependency')) {
      const child = (name: string) => elements.find((e) => e.path.length === dep.path.length + 1 && e.path.at(-1) === name && e.open > dep.open && e.contentEnd <= dep.contentEnd);
      const [g, a, v] = [child('groupId'), child('artifactId'), child('version')];
      const gv = g ? xmlText(text, g)?.value : null;
      const av = a ? xmlText(text, a)?.value : null;
      if (v && xmlText(text, v)?.value === old && artifacts.has(`${gv === '${project.groupId}' ? group(root.elements, root.text) : gv}:${av}`)) sites.push(v);
    }
    let after = text;
    for (const el of sites.sort((x, y) => y.open - x.open)) after = xmlSetText(after, file, el, next);
    out.push(...edit(file, text, after));
  }
  return out;
}

async function detect(dir: string, files: RepoFiles) {
  return (await files.read(join(dir, POM))) === null ? null : { ecosystem: 'maven' as const, dir, manifests: [join(dir, POM)] };
}

export const maven: EcosystemAdapter = { id: 'maven', detect, readVersion, writeVersion, members, dependencyEdits };
