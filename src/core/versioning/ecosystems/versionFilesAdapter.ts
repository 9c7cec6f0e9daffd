/** Anything else: `versioning.versionFiles` of `.sdlc.json` (a path and a pattern with one group), through versionFiles.ts. */
import { SdlcError } from '../../errors';
import { compileVersionPattern, setFileVersion, type VersionFileConfig } from '../versionFiles';
import { checkVersionText, edit, join, locate, required } from './text';
import type { EcosystemAdapter, FileEdit, VersionInfo } from './types';

export function createVersionFilesAdapter(configs: readonly VersionFileConfig[]): EcosystemAdapter {
  return {
    id: 'versionFiles',
    async detect(dir, files) {
      const manifests: string[] = [];
      for (const c of configs) if ((await files.read(join(dir, c.path))) !== null) manifests.push(join(dir, c.path));
      return manifests.length ? { ecosystem: 'versionFiles', dir, manifests } : null;
    },
    async readVersion(dir, files): Promise<VersionInfo> {
      for (const c of configs) {
        const file = join(dir, c.path);
        const text = await files.read(file);
        if (text === null) continue;
        const m = compileVersionPattern(c.pattern, file).exec(text);
        if (m && m[1] !== undefined) {
          return { name: null, version: m[1], where: `${file} (versioning.versionFiles)`, location: locate(file, text, m.index + m[0].indexOf(m[1])), warnings: [] };
        }
      }
      throw new SdlcError('VersionNotFound', `None of the version files (${configs.map((c) => join(dir, c.path)).join(', ')}) has a match for its pattern; fix versioning.versionFiles in .sdlc.json.`, { usage: true });
    },
    async writeVersion(dir, files, version): Promise<FileEdit[]> {
      const out: FileEdit[] = [];
      for (const c of configs) {
        const file = join(dir, c.path);
        const text = await required(files, file, 'listed in versioning.versionFiles');
        out.push(...edit(file, text, setFileVersion(text, c.pattern, checkVersionText(version), file).text));
      }
      return out;
    },
  };
}
