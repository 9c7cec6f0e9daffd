/**
 * The octokit chunk: the only file that imports 'octokit'. The adapter loads this file lazily
 * (esbuild maps it to the separate dist/octokit.js), so octokit stays off the activation path.
 */
import type * as octokit from 'octokit' with { 'resolution-mode': 'import' };

export type OctokitModule = typeof octokit;
export type Octokit = octokit.Octokit;
export type RequestError = octokit.RequestError;

/** octokit is ESM-only and this package is CommonJS: a dynamic import loads it in both Node and the bundle. */
export async function loadOctokit(): Promise<OctokitModule> {
  return import('octokit');
}
