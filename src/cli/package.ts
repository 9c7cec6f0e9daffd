/**
 * `sdlc package [--target NAME] [--from-tag TAG] [--check-reproducible] [--out DIR] [--platform OS/ARCH…]`:
 * builds package targets and prints `{ artifacts: [{ target, path, bytes, sha256, … }], builds }`.
 * The tools' output goes to the log (stderr with --verbose), never to stdout. Ctrl-C stops the
 * tool with everything it started and removes temporary worktrees.
 */
import * as path from 'node:path';
import { resolveActor } from '../core/audit/actor';
import { AuditLog, resolveAuditPath } from '../core/audit/auditLog';
import { assertValidConfig, formatProblem, loadConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import { artifactsOf, buildPackages, type ArtifactInfo, type BuiltPackage, type GoPlatform } from '../core/packaging';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';
import { formatBytes } from '../core/format';

export async function packageCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const v = args.values;
  const platforms = ((v.platform as string[] | undefined) ?? []).map((p) => {
    if (!/^[a-z0-9]+\/[a-z0-9]+$/.test(p)) throw new SdlcError('BadUsage', `--platform takes GOOS/GOARCH, e.g. linux/amd64 (got ${JSON.stringify(p)}).`, { usage: true });
    return p as GoPlatform;
  });
  const git = await context.openRepository();
  const loaded = await loadConfig(git.root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  const config = assertValidConfig(loaded);
  const audit = { log: new AuditLog(resolveAuditPath(git.root, await git.gitDir(), config.audit?.path), { logger: context.logger }), actor: await resolveActor('cli', git, { env: context.env }) };

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let built: BuiltPackage[];
  try {
    built = await buildPackages({
      root: git.root,
      target: typeof v.target === 'string' ? v.target : undefined,
      fromTag: typeof v['from-tag'] === 'string' ? v['from-tag'] : undefined,
      checkReproducible: v['check-reproducible'] === true,
      outDir: typeof v.out === 'string' ? path.resolve(context.cwd, v.out) : undefined,
      goPlatforms: platforms,
      signal: controller.signal,
      logger: context.logger,
      onOutput: (text) => {
        for (const line of text.split(/\r?\n/)) if (line.trim()) context.logger.info(`[Packages] ${line}`);
      },
      onProgress: (m) => context.logger.info(`[Packages] ${m}`),
      audit,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const artifacts = artifactsOf(built);
  const builds = built.map((b) => ({ ...b.record, folder: b.folder, sums: path.join(b.folder, 'SHA256SUMS') }));
  const unreproducible = built.some((b) => b.record.reproducible && !b.record.reproducible.ok);
  return { json: { artifacts, builds }, text: formatPackages(artifacts, built), exitCode: unreproducible ? 1 : 0 };
}

function formatPackages(artifacts: ArtifactInfo[], built: BuiltPackage[]): string {
  const lines: string[] = [];
  for (const b of built) {
    const r = b.record;
    lines.push(`${r.target} ${r.version}${r.tag ? ` (from ${r.tag})` : ''}${r.dirty ? ' (dirty working tree)' : ''} — ${r.tool.name}${r.tool.version ? ` ${r.tool.version}` : ''}`);
    for (const a of artifacts.filter((x) => x.target === r.target)) {
      lines.push(`  ${a.path}`);
      lines.push(`    ${formatBytes(a.bytes)}  sha256 ${a.sha256}${a.sbom ? `  sbom ${path.basename(a.sbom)}` : ''}`);
    }
    if (r.reproducible) {
      if (r.reproducible.ok) lines.push('  reproducible: two clean builds gave the same sha256');
      else for (const d of r.reproducible.differs) lines.push(`  NOT reproducible: ${d.name} differs${d.entries?.length ? ` (entries: ${d.entries.slice(0, 10).join(', ')})` : ''}`);
    }
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
  }
  return lines.join('\n');
}

