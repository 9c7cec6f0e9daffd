/** The reference implementation, conventional-recommended-bump 11 + the conventionalcommits preset (dev dependencies, ESM). */
interface Preset {
  whatBump(commits: unknown[]): unknown;
}
const PRESET_MODULE = 'conventional-changelog-conventionalcommits'; // untyped; a variable keeps it `any`

export async function peerReleaseType(cwd: string, options: { preMajor?: boolean; tagPrefix?: string } = {}): Promise<string | undefined> {
  const { Bumper } = await import('conventional-recommended-bump');
  const createPreset = ((await import(PRESET_MODULE)) as { default: (config: object) => Preset }).default;
  const preset = createPreset({ preMajor: options.preMajor });
  const bumper = new Bumper(cwd).config(preset as never);
  if (options.tagPrefix) bumper.tag({ prefix: options.tagPrefix });
  const result = await bumper.bump(preset.whatBump as never);
  return 'releaseType' in result ? result.releaseType : undefined;
}
