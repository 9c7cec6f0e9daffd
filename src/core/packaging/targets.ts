/**
 * Package targets: the `packageTargets` of `.sdlc.json`, else the ones detected per ecosystem in
 * each package folder (`packages` of the config, default the root):
 *   VS Code extension (package.json with engines.vscode) → `vsce package` (@vscode/vsce)
 *   npm package (package.json)                            → `npm pack --json`, + CycloneDX SBOM
 *   Python (pyproject.toml / setup.py)                     → `python3 -m build` (sdist + wheel)
 *   Rust crate (Cargo.toml with [package])                 → `cargo package --offline`
 *   Go main package (go.mod + package main at the root)    → `go build -trimpath`, per GOOS/GOARCH
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SdlcConfig } from '../config/config';
import { discoverPackages } from '../versioning/monorepo';

export type TargetKind = 'npm' | 'vsix' | 'python' | 'cargo' | 'go' | 'command';

export interface PackageTarget {
  name: string;
  kind: TargetKind;
  origin: 'config' | 'detected';
  /** Folder the tool runs in, relative to the repository root (`.` for the root). */
  dir: string;
  /** `.sdlc.json` command line (kind `command`). */
  command?: string;
  /** `.sdlc.json` artifact globs, relative to `dir` (kind `command`). */
  artifacts?: string[];
}

/** A Go platform `GOOS/GOARCH`, e.g. `linux/amd64`. */
export type GoPlatform = `${string}/${string}`;

/** Configured targets win; without any, the detected ones. */
export async function resolveTargets(root: string, config: SdlcConfig): Promise<PackageTarget[]> {
  if (config.packageTargets && config.packageTargets.length > 0) {
    return config.packageTargets.map((t) => ({
      name: t.name,
      kind: 'command' as const,
      origin: 'config' as const,
      dir: normalizeDir(t.cwd ?? '.'),
      command: t.command,
      artifacts: Array.isArray(t.artifacts) ? t.artifacts : [t.artifacts],
    }));
  }
  const dirs = await discoverPackages(root, config).catch(() => ['.']);
  const targets: PackageTarget[] = [];
  for (const dir of dirs) {
    const found = await detectIn(path.join(root, dir));
    for (const kind of found) {
      const name = dirs.length === 1 || dir === '.' ? kind : `${kind}:${dir}`;
      targets.push({ name, kind, origin: 'detected', dir });
    }
  }
  return targets;
}

/** The ecosystems a folder is a package of, in the order they are listed. */
export async function detectIn(dir: string): Promise<TargetKind[]> {
  const kinds: TargetKind[] = [];
  const pkg = await readJson(path.join(dir, 'package.json'));
  if (pkg) {
    const engines = pkg.engines as Record<string, unknown> | undefined;
    kinds.push(engines && typeof engines.vscode === 'string' ? 'vsix' : 'npm');
  }
  if ((await exists(path.join(dir, 'pyproject.toml'))) || (await exists(path.join(dir, 'setup.py')))) kinds.push('python');
  const cargo = await readText(path.join(dir, 'Cargo.toml'));
  if (cargo !== null && /^\s*\[package\]/m.test(cargo)) kinds.push('cargo');
  if ((await exists(path.join(dir, 'go.mod'))) && (await hasGoMain(dir))) kinds.push('go');
  return kinds;
}

/** The version a folder's manifest declares for a target kind, null when it declares none. */
export async function manifestVersionOf(dir: string, kind: TargetKind): Promise<string | null> {
  if (kind === 'npm' || kind === 'vsix' || kind === 'command') {
    const pkg = await readJson(path.join(dir, 'package.json'));
    if (pkg && typeof pkg.version === 'string' && pkg.version.trim()) return pkg.version.trim();
    if (kind !== 'command') return null;
  }
  if (kind === 'cargo' || kind === 'command') {
    const v = tomlVersion(await readText(path.join(dir, 'Cargo.toml')), 'package');
    if (v) return v;
  }
  if (kind === 'python' || kind === 'command') {
    const v = tomlVersion(await readText(path.join(dir, 'pyproject.toml')), 'project');
    if (v) return v;
  }
  return null;
}

/** `version = "…"` inside `[section]` of a TOML file (the usual form; no inline tables). */
export function tomlVersion(text: string | null, section: string): string | null {
  if (text === null) return null;
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      inSection = header[1].trim() === section;
      continue;
    }
    if (!inSection) continue;
    const m = /^version\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (m) return (m[1] ?? m[2]).trim() || null;
  }
  return null;
}

function normalizeDir(dir: string): string {
  const n = path.posix.normalize(dir.split(path.sep).join('/')).replace(/\/+$/, '');
  return n === '' ? '.' : n;
}

async function hasGoMain(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return false;
  }
  for (const name of names) {
    if (!name.endsWith('.go') || name.endsWith('_test.go')) continue;
    const text = await readText(path.join(dir, name));
    if (text && /^\s*package\s+main\b/m.test(text)) return true;
  }
  return false;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  const text = await readText(file);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
