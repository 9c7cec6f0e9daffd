/**
 * .NET: `<Version>` or `<VersionPrefix>` in a `<PropertyGroup>` of the project file (`*.csproj`,
 * `*.fsproj`, `*.vbproj`) or of `Directory.Build.props` in its folder or any folder above.
 */
import { badInput, checkVersionText, edit, join, parentDir } from './text';
import { xmlElements, xmlLocation, xmlSetText, xmlText, type XmlElement } from './xml';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const PROPS = 'Directory.Build.props';
const PROJECT = /\.(cs|fs|vb)proj$/;

interface Site {
  file: string;
  text: string;
  el: XmlElement;
  where: string;
  name: string | null;
}

function versionElement(elements: XmlElement[]): XmlElement | undefined {
  const inGroup = (name: string) => elements.find((e) => e.path.length === 3 && e.path[0] === 'Project' && e.path[1] === 'PropertyGroup' && e.path[2] === name);
  return inGroup('Version') ?? inGroup('VersionPrefix');
}

async function versionSite(dir: string, files: RepoFiles): Promise<Site> {
  const projects = (await files.fileNames(dir)).filter((n) => PROJECT.test(n)).map((n) => join(dir, n));
  const candidates = [...projects];
  for (let d: string | null = dir; d !== null; d = parentDir(d)) candidates.push(join(d, PROPS));
  const name = projects.length ? projects[0].slice(projects[0].lastIndexOf('/') + 1).replace(PROJECT, '') : null;
  for (const file of candidates) {
    const text = await files.read(file);
    if (text === null) continue;
    const elements = xmlElements(text, file);
    const el = versionElement(elements);
    if (el) {
      const tag = el.path[2];
      return { file, text, el, where: `${file} <${tag}>${file.endsWith(PROPS) && projects.length ? ` (shared by ${projects.join(', ')})` : ''}`, name };
    }
  }
  throw badInput('MissingVersion', candidates[0] ?? join(dir, PROPS), `no <Version> or <VersionPrefix> in a <PropertyGroup> of ${candidates.join(', ')}. Add <Version>1.0.0</Version> to ${PROPS} or the project file.`);
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  const s = await versionSite(dir, files);
  const t = xmlText(s.text, s.el);
  if (t === null || t.value === '' || t.value.includes('$(')) throw badInput('InvalidVersion', xmlLocation(s.file, s.text, s.el), 'the version must be a plain version such as 1.2.3 (not an MSBuild expression).');
  return { name: s.name, version: t.value, where: s.where, location: xmlLocation(s.file, s.text, s.el), warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  await readVersion(dir, files);
  const s = await versionSite(dir, files);
  return edit(s.file, s.text, xmlSetText(s.text, s.file, s.el, checkVersionText(version)));
}

async function detect(dir: string, files: RepoFiles) {
  const names = await files.fileNames(dir);
  const manifests = [...names.filter((n) => PROJECT.test(n)), ...names.filter((n) => n === PROPS)].map((n) => join(dir, n));
  return manifests.length ? { ecosystem: 'dotnet' as const, dir, manifests } : null;
}

export const dotnet: EcosystemAdapter = { id: 'dotnet', detect, readVersion, writeVersion };
