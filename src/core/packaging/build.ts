/**
 * Building package targets: run the target's tool (argv, no shell) in the working tree or in a
 * temporary `git worktree` of a tag, collect what it produced, and record each build in the
 * artifacts folder (default `<git common dir>/sdlc/packages/<target>/<version>/`, never committed):
 * the artifacts, `SHA256SUMS`, a CycloneDX SBOM beside npm artifacts, and `build.json` (version,
 * commit, dirty flag, time, tool and its version, sha256 and size of every file).
 *
 * Nothing is left half-done: the tool writes into a private staging folder (or, for configured
 * targets, where it likes — only files it wrote during this build are taken), the record is
 * assembled in a `.partial-*` folder and renamed into place at the end; staging, partial folders
 * and worktrees are removed on failure and on cancel too.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { glob } from 'tinyglobby';
import type { AuditActor, AuditLog } from '../audit/auditLog';
import { loadConfig, assertValidConfig, type SdlcConfig } from '../config/config';
import { acquireChangeLock } from '../transaction/lock';
import { SdlcError, errorMessage } from '../errors';
import { isDirectory } from '../files';
import { silentLogger, type Logger } from '../log';
import { parseCommandLine } from '../testing/command';
import { archiveDifferences } from './archive';
import { formatSums, sha256File } from './checksum';
import { findExecutable, lastLines, runTool, toolVersion } from './exec';
import { runGit, withWorktree } from './worktree';
import { manifestVersionOf, resolveTargets, type GoPlatform, type PackageTarget, type TargetKind } from './targets';

export const BUILD_RECORD = 'build.json';
export const SUMS_FILE = 'SHA256SUMS';

export interface ArtifactRecord {
  /** File name inside the build folder. */
  name: string;
  bytes: number;
  sha256: string;
  /** File name of the CycloneDX SBOM beside it (npm targets). */
  sbom?: string;
}

export interface ReproducibilityResult {
  ok: boolean;
  /** Artifacts whose sha256 differed between the two builds, and inside archives which entries. */
  differs: Array<{ name: string; first: string | null; second: string | null; entries?: string[] }>;
}

export interface BuildRecord {
  v: 1;
  target: string;
  kind: TargetKind;
  dir: string;
  version: string;
  commit: string | null;
  dirty: boolean;
  /** The tag built from (a worktree of it), null for the working tree. */
  tag: string | null;
  time: string;
  tool: { name: string; version: string | null };
  artifacts: ArtifactRecord[];
  /** Set by a reproducibility check. */
  reproducible?: ReproducibilityResult;
  warnings: string[];
}

/** One artifact as the CLI prints it (`sdlc package --json`) and the view shows it. */
export interface ArtifactInfo {
  target: string;
  path: string;
  name: string;
  bytes: number;
  sha256: string;
  version: string;
  commit: string | null;
  dirty: boolean;
  tag: string | null;
  time: string;
  tool: string;
  toolVersion: string | null;
  sbom: string | null;
  reproducible: boolean | null;
}

export interface BuiltPackage {
  record: BuildRecord;
  /** The build folder holding the artifacts, SHA256SUMS and build.json. */
  folder: string;
}

export interface BuildOptions {
  /** Repository root (the working tree). */
  root: string;
  /** Build only this target (UnknownTarget, usage, when there is none of that name). */
  target?: string;
  /** Build from this tag in a temporary worktree. */
  fromTag?: string;
  /** Build twice in two clean worktrees and compare sha256. */
  checkReproducible?: boolean;
  /** Artifacts folder; default `<git common dir>/sdlc/packages`. */
  outDir?: string;
  /** Go targets: the platforms to build for (default the host's). */
  goPlatforms?: GoPlatform[];
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Progress messages for a person ("Building npm…"). */
  onProgress?: (message: string) => void;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  audit?: { log: AuditLog; actor: AuditActor };
}

/** The artifacts folder of a repository: `<git common dir>/sdlc/packages`. */
export async function defaultArtifactsDir(root: string): Promise<string> {
  const common = (await runGit(['rev-parse', '--git-common-dir'], root)).trim();
  return path.join(path.resolve(root, common), 'sdlc', 'packages');
}

/** Targets of the repository at `root` (its `.sdlc.json`, else detected). */
export async function targetsOf(root: string, config?: SdlcConfig): Promise<PackageTarget[]> {
  return resolveTargets(root, config ?? assertValidConfig(await loadConfig(root)));
}

/**
 * Builds the targets (all, or `options.target`) and returns one record per target. The first
 * failure stops the run (later targets are not built) and is thrown; builds that finished stay.
 */
export async function buildPackages(options: BuildOptions): Promise<BuiltPackage[]> {
  if (options.fromTag !== undefined) await assertLocalTag(options.root, options.fromTag);
  // One change at a time per repository (the transaction core's lock): a build adds and removes
  // worktrees and writes the artifacts folder, so it must not interleave with a bump or another build.
  const stateDir = path.dirname(await defaultArtifactsDir(options.root));
  const lock = await acquireChangeLock(stateDir, { kind: 'package.build', label: options.fromTag ? `package build of ${options.fromTag}` : 'package build' });
  try {
    return await buildLocked(options);
  } finally {
    await lock.release();
  }
}

async function buildLocked(options: BuildOptions): Promise<BuiltPackage[]> {
  const log = options.logger ?? silentLogger;
  const outDir = options.outDir ?? (await defaultArtifactsDir(options.root));

  const inTree = async (tree: string, out: string, tag: string | null): Promise<BuiltPackage[]> => {
    const targets = pick(await targetsOf(tree), options.target, tree);
    const built: BuiltPackage[] = [];
    for (const target of targets) {
      options.onProgress?.(`Building ${target.name}${tag ? ` from ${tag}` : ''}…`);
      built.push(await buildTarget(target, { ...options, tree, outDir: out, tag }));
    }
    return built;
  };

  const audited = async <T>(what: () => Promise<T>, describe: (r: T) => unknown): Promise<T> => {
    const target = { ...(options.target ? { target: options.target } : {}), ...(options.fromTag ? { tag: options.fromTag } : {}) };
    try {
      const result = await what();
      await options.audit?.log.append({ actor: options.audit.actor, action: 'package.build', repository: options.root, target, after: describe(result), result: 'success' });
      return result;
    } catch (e) {
      const err = e instanceof SdlcError ? e : new SdlcError('BuildFailed', errorMessage(e), { cause: e });
      await options.audit?.log
        .append({ actor: options.audit.actor, action: 'package.build', repository: options.root, target, result: 'failure', error: { code: err.code, message: err.message.slice(0, 2000) } })
        .catch((a: unknown) => log.warn(`[Packages] could not write the audit log: ${errorMessage(a)}`));
      throw e;
    }
  };
  const summary = (built: BuiltPackage[]) => built.map((b) => ({ target: b.record.target, version: b.record.version, commit: b.record.commit, artifacts: b.record.artifacts.map((a) => ({ name: a.name, sha256: a.sha256 })) }));

  if (!options.checkReproducible) {
    if (options.fromTag === undefined) return audited(() => inTree(options.root, outDir, null), summary);
    const tag = options.fromTag;
    return audited(() => withWorktree(options.root, `refs/tags/${tag}^{commit}`, (tree) => inTree(tree, outDir, tag), log), summary);
  }

  // Reproducibility: two clean worktrees of the same commit (the tag, else HEAD).
  const ref = options.fromTag !== undefined ? `refs/tags/${options.fromTag}^{commit}` : 'HEAD';
  const tag = options.fromTag ?? null;
  return audited(async () => {
    const first = await withWorktree(options.root, ref, (tree) => inTree(tree, outDir, tag), log);
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-repro-'));
    try {
      options.onProgress?.('Building again in a second clean worktree to compare…');
      const second = await withWorktree(options.root, ref, (tree) => inTree(tree, scratch, tag), log);
      for (const built of first) {
        const other = second.find((s) => s.record.target === built.record.target);
        built.record.reproducible = await compareBuilds(built, other);
        await writeRecord(built.folder, built.record);
      }
      return first;
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }, (built) => [...summary(built).map((s, i) => ({ ...s, reproducible: built[i].record.reproducible?.ok ?? null }))]);
}

/** The `ArtifactInfo`s of built packages (what `sdlc package --json` prints). */
export function artifactsOf(built: readonly BuiltPackage[]): ArtifactInfo[] {
  return built.flatMap(({ record, folder }) =>
    record.artifacts.map((a) => ({
      target: record.target,
      path: path.join(folder, a.name),
      name: a.name,
      bytes: a.bytes,
      sha256: a.sha256,
      version: record.version,
      commit: record.commit,
      dirty: record.dirty,
      tag: record.tag,
      time: record.time,
      tool: record.tool.name,
      toolVersion: record.tool.version,
      sbom: a.sbom ? path.join(folder, a.sbom) : null,
      reproducible: record.reproducible ? !record.reproducible.differs.some((d) => d.name === a.name) : null,
    })),
  );
}

function pick(targets: PackageTarget[], name: string | undefined, tree: string): PackageTarget[] {
  if (name === undefined) {
    if (targets.length === 0) {
      throw new SdlcError('NoTargets', `Nothing to package in ${tree}: no packageTargets in .sdlc.json, and no package.json, pyproject.toml, Cargo.toml or Go main package was found. Add a target to packageTargets (name, command, artifacts).`, { usage: true });
    }
    return targets;
  }
  const found = targets.filter((t) => t.name === name);
  if (found.length === 0) {
    const known = targets.map((t) => t.name).join(', ') || 'none';
    throw new SdlcError('UnknownTarget', `There is no package target named "${name}" (targets: ${known}).`, { usage: true });
  }
  return found;
}

async function assertLocalTag(root: string, tag: string): Promise<void> {
  if (!tag || tag.startsWith('-') || /[\s~^:?*[\\]/.test(tag)) throw new SdlcError('InvalidTag', `"${tag}" is not a valid tag name.`, { usage: true });
  const sha = await runGit(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`], root).catch(() => '');
  if (!sha.trim()) {
    throw new SdlcError('TagNotFound', `The tag ${tag} does not exist in this repository. Create it (sdlc bump, or git tag) or fetch it (git fetch --tags), then build again.`, { usage: true });
  }
}

interface TreeBuild extends BuildOptions {
  tree: string;
  outDir: string;
  tag: string | null;
}

interface ToolPlan {
  tool: string;
  /** argv of the tool's version command. */
  versionArgv: string[];
  argv: string[][];
  env: Array<Record<string, string>>;
  cwd: string;
  /** Globs and the folder they are relative to. */
  globs: string[];
  base: string;
  /** Outputs land in our staging folder (moved), rather than in the tree (copied). */
  staged: boolean;
}

async function buildTarget(target: PackageTarget, o: TreeBuild): Promise<BuiltPackage> {
  const log = o.logger ?? silentLogger;
  const cwd = path.resolve(o.tree, target.dir);
  if (!isInside(o.tree, cwd)) throw new SdlcError('InvalidTarget', `The folder of the target "${target.name}" (${target.dir}) is outside the repository.`, { usage: true });
  if (!(await isDirectory(cwd))) throw new SdlcError('InvalidTarget', `The folder of the target "${target.name}" does not exist: ${cwd}`, { usage: true });

  const commit = (await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], o.tree).catch(() => '')).trim() || null;
  const dirty = (await runGit(['status', '--porcelain', '--untracked-files=normal'], o.tree).catch(() => '')).trim() !== '';
  const version = (await manifestVersionOf(cwd, target.kind)) ?? (o.tag ? o.tag.replace(/^v(?=\d)/, '') : await describe(o.tree, dirty));

  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-stage-'));
  const folder = path.join(o.outDir, safeName(target.name), safeName(version));
  const partial = `${folder}.partial-${process.pid}-${Date.now()}`;
  const warnings: string[] = [];
  try {
    const plan = await planFor(target, { cwd, staging, version, tree: o.tree, root: o.root, goPlatforms: o.goPlatforms, env: o.env ?? process.env });
    const toolVersionText = await toolVersion(plan.versionArgv, cwd);
    const started = Date.now();
    let npmPackJson = '';
    for (let i = 0; i < plan.argv.length; i++) {
      const result = await runTool({ argv: plan.argv[i], env: plan.env[i], cwd: plan.cwd, signal: o.signal, onOutput: o.onOutput, logger: log, captureStdout: target.kind === 'npm' ? 8 * 1024 * 1024 : undefined });
      if (result.cancelled) throw new SdlcError('Cancelled', `The build of "${target.name}" was cancelled; the tool and everything it started were stopped, and nothing was recorded.`);
      if (result.exitCode !== 0) {
        const how = result.exitCode === null ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`;
        const tail = lastLines(result.tail);
        const last = tail.split('\n').at(-1)?.trim() ?? '';
        throw new SdlcError('BuildFailed', `The build of "${target.name}" failed: ${path.basename(plan.argv[i][0])} ${how}${last ? `: ${last.slice(0, 300).replace(/\.+$/, '')}` : ''}. Its last lines:\n${tail || '(no output)'}`);
      }
      npmPackJson = result.stdout;
    }

    const files = await collect(target, plan, started);
    await fs.mkdir(partial, { recursive: true });
    const artifacts: ArtifactRecord[] = [];
    const sums: Array<{ name: string; sha256: string }> = [];
    for (const file of files) {
      const name = path.basename(file);
      if (artifacts.some((a) => a.name === name)) throw new SdlcError('DuplicateArtifact', `The target "${target.name}" produced two files named ${name}; artifact names must be unique within a build.`, { usage: true });
      const dest = path.join(partial, name);
      if (plan.staged) await moveFile(file, dest);
      else await fs.copyFile(file, dest);
      const { sha256, bytes } = await sha256File(dest, o.signal);
      const artifact: ArtifactRecord = { name, bytes, sha256 };
      sums.push({ name, sha256 });
      if (target.kind === 'npm') {
        const sbom = await npmSbom(cwd, name, partial, o, log).catch((e: unknown) => {
          warnings.push(`No SBOM for ${name}: ${errorMessage(e)}`);
          return null;
        });
        if (sbom) {
          artifact.sbom = sbom.name;
          sums.push({ name: sbom.name, sha256: sbom.sha256 });
        }
      }
      artifacts.push(artifact);
    }
    if (target.kind === 'npm') checkNpmPackJson(npmPackJson, artifacts, warnings);
    await fs.writeFile(path.join(partial, SUMS_FILE), formatSums(sums));
    const record: BuildRecord = {
      v: 1,
      target: target.name,
      kind: target.kind,
      dir: target.dir,
      version,
      commit,
      dirty,
      tag: o.tag,
      time: new Date().toISOString(),
      tool: { name: plan.tool, version: toolVersionText },
      artifacts,
      warnings,
    };
    await writeRecord(partial, record);
    if (o.signal?.aborted) throw new SdlcError('Cancelled', `The build of "${target.name}" was cancelled; nothing was recorded.`);
    // Replace an earlier build of the same version (a rebuild) in one rename.
    await fs.rm(folder, { recursive: true, force: true });
    await fs.rename(partial, folder);
    for (const w of warnings) log.warn(`[Packages] ${w}`);
    return { record, folder };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    await fs.rm(partial, { recursive: true, force: true });
  }
}

async function planFor(
  target: PackageTarget,
  c: { cwd: string; staging: string; version: string; tree: string; root: string; goPlatforms?: GoPlatform[]; env: NodeJS.ProcessEnv },
): Promise<ToolPlan> {
  const need = async (program: string, hint: string): Promise<string> => {
    const found = await findExecutable(program, c.env);
    if (!found) throw toolMissing(target, program, hint);
    return found;
  };
  const staged = (tool: string, versionArgv: string[], argv: string[][], globs: string[], env: Array<Record<string, string>> = argv.map(() => ({}))): ToolPlan => ({
    tool,
    versionArgv,
    argv,
    env,
    cwd: c.cwd,
    globs,
    base: c.staging,
    staged: true,
  });
  switch (target.kind) {
    case 'npm': {
      const npm = await need('npm', 'Install Node.js with npm (https://nodejs.org, or apt-get install npm).');
      return staged('npm', [npm, '--version'], [[npm, 'pack', '--json', '--pack-destination', c.staging]], ['*.tgz']);
    }
    case 'vsix': {
      const vsce = await findVsce([c.cwd, c.tree, c.root], c.env);
      if (!vsce) throw toolMissing(target, '@vscode/vsce', 'Add it to the extension: npm install --save-dev @vscode/vsce (or npm install -g @vscode/vsce).');
      return staged('vsce', [vsce, '--version'], [[vsce, 'package', ...(await vsceFlags(c.cwd)), '--out', c.staging + path.sep]], ['*.vsix']);
    }
    case 'python': {
      await need('python3', 'Install Python 3 (apt-get install python3).');
      const python = await pythonWithBuild(c.env);
      if (!python) throw toolMissing(target, 'python3-build (the "build" module)', 'Install it: apt-get install python3-build (Debian/Ubuntu) or python3 -m pip install build.');
      // --no-isolation: use the installed build backend instead of downloading one (works offline).
      return staged('python3 -m build', [python, '-m', 'build', '--version'], [[python, '-m', 'build', '--no-isolation', '--outdir', c.staging, '.']], ['*.whl', '*.tar.gz']);
    }
    case 'cargo': {
      const cargo = await need('cargo', 'Install Rust with rustup (https://rustup.rs) or apt-get install cargo.');
      return staged('cargo', [cargo, '--version'], [[cargo, 'package', '--offline', '--allow-dirty']], ['package/*.crate'], [{ CARGO_TARGET_DIR: c.staging }]);
    }
    case 'go': {
      const go = await need('go', 'Install Go (https://go.dev/dl, or apt-get install golang-go).');
      const platforms = c.goPlatforms && c.goPlatforms.length > 0 ? c.goPlatforms : [`${goOs()}/${goArch()}` as GoPlatform];
      const name = path.basename(c.cwd === c.tree ? c.root : c.cwd);
      const argv: string[][] = [];
      const env: Array<Record<string, string>> = [];
      for (const p of platforms) {
        const [goos, goarch] = p.split('/');
        if (!goos || !goarch) throw new SdlcError('InvalidPlatform', `"${p}" is not a Go platform GOOS/GOARCH (e.g. linux/amd64).`, { usage: true });
        const out = path.join(c.staging, `${name}-${c.version}-${goos}-${goarch}${goos === 'windows' ? '.exe' : ''}`);
        argv.push([go, 'build', '-trimpath', '-buildvcs=false', '-ldflags', `-s -w -X main.version=${c.version}`, '-o', out, '.']);
        env.push({ GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' });
      }
      return staged('go', [go, 'version'], argv, ['*']);
    }
    case 'command': {
      const line = parseCommandLine(target.command ?? '');
      const program = line.argv[0];
      const resolved = program.includes('/') ? path.resolve(c.cwd, program) : program;
      const found = await findExecutable(resolved, c.env);
      if (!found) throw toolMissing(target, program, `Install ${program} or put it on PATH (commands run without a shell, so shell built-ins and aliases are not available).`);
      const globs = target.artifacts ?? [];
      for (const g of globs) {
        if (path.isAbsolute(g) || g.split(/[\\/]/).includes('..')) {
          throw new SdlcError('InvalidTarget', `The artifacts glob "${g}" of the target "${target.name}" must stay inside its folder (relative, no "..").`, { usage: true });
        }
      }
      return { tool: path.basename(program), versionArgv: [found, '--version'], argv: [[found, ...line.argv.slice(1)]], env: [line.env], cwd: c.cwd, globs, base: c.cwd, staged: false };
    }
  }
}

/** The files a build produced: globbed, and for configured targets only those written during it. */
async function collect(target: PackageTarget, plan: ToolPlan, started: number): Promise<string[]> {
  const matched = (await glob(plan.globs, { cwd: plan.base, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: false })).sort();
  const inside = matched.filter((f) => isInside(plan.base, f));
  if (plan.staged) {
    if (inside.length === 0) throw new SdlcError('NoArtifacts', `The build of "${target.name}" finished but produced no file (${plan.globs.join(', ')}).`);
    return inside;
  }
  const fresh: string[] = [];
  const stale: string[] = [];
  for (const f of inside) {
    const stat = await fs.lstat(f);
    if (!stat.isFile()) continue;
    // 2 s of slack for filesystems with coarse timestamps.
    (stat.mtimeMs >= started - 2000 ? fresh : stale).push(f);
  }
  if (fresh.length === 0) {
    const why = stale.length > 0 ? ` — it matched only files older than this build (${stale.map((f) => path.relative(plan.base, f)).slice(0, 5).join(', ')}), so the command wrote none of them` : '';
    throw new SdlcError('NoArtifacts', `The build of "${target.name}" finished but its artifacts glob ${plan.globs.map((g) => `"${g}"`).join(', ')} matched no new file in ${plan.base}${why}. Check "artifacts" of the target in .sdlc.json (relative to its cwd).`);
  }
  return fresh;
}

async function npmSbom(cwd: string, artifactName: string, folder: string, o: TreeBuild, log: Logger): Promise<{ name: string; sha256: string } | null> {
  const npm = await findExecutable('npm', o.env ?? process.env);
  if (!npm) return null;
  const result = await runTool({ argv: [npm, 'sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], cwd, signal: o.signal, logger: log, captureStdout: 64 * 1024 * 1024 });
  if (result.cancelled) throw new SdlcError('Cancelled', 'cancelled');
  if (result.exitCode !== 0) throw new Error(`npm sbom exited with code ${result.exitCode}: ${lastLines(result.tail, 3)}`);
  JSON.parse(result.stdout);
  const name = `${artifactName.replace(/\.tgz$/, '')}.cdx.json`;
  await fs.writeFile(path.join(folder, name), result.stdout);
  return { name, sha256: (await sha256File(path.join(folder, name))).sha256 };
}

/** `npm pack --json` reports the tarball's size: a mismatch means we picked up the wrong file. */
function checkNpmPackJson(stdout: string, artifacts: ArtifactRecord[], warnings: string[]): void {
  try {
    const packed = JSON.parse(stdout) as Array<{ filename?: string; size?: number }>;
    for (const p of packed) {
      const name = p.filename?.replace(/^@/, '').replace(/\//g, '-');
      const a = artifacts.find((x) => x.name === name);
      if (a && typeof p.size === 'number' && p.size !== a.bytes) warnings.push(`npm pack reported ${p.size} bytes for ${a.name}, the file has ${a.bytes}.`);
    }
  } catch {
    warnings.push('npm pack --json printed no readable JSON.');
  }
}

export async function writeRecord(folder: string, record: BuildRecord): Promise<void> {
  await fs.writeFile(path.join(folder, BUILD_RECORD), JSON.stringify(record, null, 2) + '\n');
}

export async function compareBuilds(first: BuiltPackage, second: BuiltPackage | undefined): Promise<ReproducibilityResult> {
  const differs: ReproducibilityResult['differs'] = [];
  const others = new Map((second?.record.artifacts ?? []).map((a) => [a.name, a]));
  for (const a of first.record.artifacts) {
    const b = others.get(a.name);
    others.delete(a.name);
    if (b?.sha256 === a.sha256) continue;
    const entries = b && second ? await archiveDifferences(path.join(first.folder, a.name), path.join(second.folder, b.name)).catch(() => undefined) : undefined;
    differs.push({ name: a.name, first: a.sha256, second: b?.sha256 ?? null, ...(entries ? { entries } : {}) });
  }
  for (const b of others.values()) differs.push({ name: b.name, first: null, second: b.sha256 });
  return { ok: differs.length === 0, differs };
}

async function findVsce(dirs: string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const start of dirs) {
    let dir = start;
    for (;;) {
      const bin = path.join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
      if (await findExecutable(bin, env)) return bin;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return findExecutable('vsce', env);
}

/**
 * The first python3 that has the `build` module: the one on PATH, else the system's (/usr/bin,
 * where Debian's python3-build lives even when a pyenv/venv python3 comes first on PATH).
 */
export async function pythonWithBuild(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates = [await findExecutable('python3', env), '/usr/bin/python3', '/usr/local/bin/python3'];
  for (const python of [...new Set(candidates)]) {
    if (!python || !(await findExecutable(python, env))) continue;
    const probe = await runTool({ argv: [python, '-m', 'build', '--version'], cwd: os.tmpdir() }).catch(() => null);
    if (probe?.exitCode === 0) return python;
  }
  return null;
}

/**
 * vsce asks on stdin when the repository field or a LICENSE is missing; builds have no stdin, so the
 * answer is given up front. A bundled extension (esbuild/webpack/rollup/tsup/vite among the dev
 * dependencies) ships its bundle, not node_modules: `--no-dependencies`.
 */
async function vsceFlags(dir: string): Promise<string[]> {
  const flags: string[] = [];
  let pkg: Record<string, unknown> = {};
  try {
    pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return flags;
  }
  const dev = Object.keys((pkg.devDependencies as Record<string, string> | undefined) ?? {});
  if (dev.some((d) => ['esbuild', 'webpack', 'rollup', 'tsup', 'vite'].includes(d))) flags.push('--no-dependencies');
  // Without a repository, relative README links cannot be made absolute: keep them relative.
  if (!pkg.repository) flags.push('--allow-missing-repository', '--no-rewrite-relative-links');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  if (!names.some((n) => /^licen[cs]e(\.|$)/i.test(n))) flags.push('--skip-license');
  return flags;
}

function toolMissing(target: PackageTarget, tool: string, hint: string): SdlcError {
  return new SdlcError('ToolMissing', `The target "${target.name}" needs ${tool}, which was not found. ${hint}`);
}

async function describe(tree: string, dirty: boolean): Promise<string> {
  const d = (await runGit(['describe', '--tags', '--always'], tree).catch(() => '')).trim();
  return (d.replace(/^v(?=\d)/, '') || '0.0.0') + (dirty ? '-dirty' : '');
}

/** A name safe as one folder name. */
export function safeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._+@-]+/g, '_').replace(/^\.+/, '_');
  return s === '' ? '_' : s;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await fs.copyFile(from, to);
    await fs.rm(from, { force: true });
  }
}

function goOs(): string {
  return process.platform === 'win32' ? 'windows' : process.platform;
}

function goArch(): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
}
