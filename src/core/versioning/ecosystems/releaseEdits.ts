import { SdlcError } from '../../errors';
import type { EcosystemAdapter, FileEdit, RepoFiles } from './types';

/**
 * Every edit a release of `dir` makes, merged into one edit per file: lockfile entries and internal
 * requirements of the members that move (`members`: member folder → its new version), then the
 * version itself (`version`; null when only members move, as in lerna independent mode). Lockfiles
 * and requirements are computed from the files as they are (they need the old versions); the
 * version is written on top of those edits, so two changes to one file (a Cargo workspace root with
 * both `[workspace.package] version` and `[workspace.dependencies]`) compose.
 */
export async function releaseEdits(adapter: EcosystemAdapter, dir: string, files: RepoFiles, version: string | null, members: ReadonlyMap<string, string> = new Map()): Promise<FileEdit[]> {
  const original = new Map<string, string>();
  const current = new Map<string, string>();
  const view: RepoFiles = {
    read: async (file) => (current.has(file) ? current.get(file)! : files.read(file)),
    folders: (d) => files.folders(d),
    fileNames: (d) => files.fileNames(d),
  };
  const apply = async (edits: readonly FileEdit[]) => {
    for (const e of edits) {
      const now = await view.read(e.file);
      if (now !== e.before) throw new SdlcError('ConflictingEdits', `Two edits of ${e.file} do not compose; release its packages one at a time.`);
      if (!original.has(e.file)) original.set(e.file, e.before);
      current.set(e.file, e.after);
    }
  };
  const moving = new Map(members);
  if (version !== null) moving.set(dir, version);
  const lock = adapter.lockfiles ? await adapter.lockfiles(dir, files, moving) : [];
  const deps = adapter.dependencyEdits ? await adapter.dependencyEdits(dir, files, moving) : [];
  await apply(lock);
  await apply(deps);
  for (const [member, v] of members) if (member !== dir) await apply(await adapter.writeVersion(member, view, v));
  if (version !== null) await apply(await adapter.writeVersion(dir, view, version));
  return [...original].filter(([file, before]) => current.get(file) !== before).map(([file, before]) => ({ file, before, after: current.get(file)! }));
}
