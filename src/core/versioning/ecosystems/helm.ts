/** Helm: `Chart.yaml` `version`, and `appVersion` too when the chart is configured to follow the release. */
import { badInput, checkVersionText, edit, join, locate, required } from './text';
import { yamlScalar, yamlSetScalar } from './yamlText';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const CHART = 'Chart.yaml';

export interface HelmOptions {
  /** Write the new version into `appVersion` as well (for charts versioned with their application). */
  appVersion?: boolean;
}

export function createHelmAdapter(options: HelmOptions = {}): EcosystemAdapter {
  const site = async (dir: string, files: RepoFiles) => {
    const file = join(dir, CHART);
    const text = await required(files, file, 'the Helm chart');
    const version = yamlScalar(text, file, 'version');
    if (!version) throw badInput('MissingVersion', locate(file, text, 0), 'no `version:`. Add `version: 0.1.0` (Helm requires it).');
    const name = yamlScalar(text, file, 'name')?.value ?? null;
    return { file, text, version, name, app: options.appVersion ? yamlScalar(text, file, 'appVersion') : null };
  };
  return {
    id: 'helm',
    async detect(dir, files) {
      return (await files.read(join(dir, CHART))) === null ? null : { ecosystem: 'helm', dir, manifests: [join(dir, CHART)] };
    },
    async readVersion(dir, files): Promise<VersionInfo> {
      const s = await site(dir, files);
      return { name: s.name, version: s.version.value, where: `${s.file} version${options.appVersion ? ' (and appVersion)' : ''}`, location: s.version.location, warnings: [] };
    },
    async writeVersion(dir, files, version): Promise<FileEdit[]> {
      const s = await site(dir, files);
      checkVersionText(version);
      // The later site first, so the earlier one's offsets stay valid.
      const sites = [s.version, ...(s.app ? [s.app] : [])].sort((a, b) => b.start - a.start);
      let after = s.text;
      for (const x of sites) after = yamlSetScalar(after, x, version);
      return edit(s.file, s.text, after);
    },
  };
}

export const helm = createHelmAdapter();
