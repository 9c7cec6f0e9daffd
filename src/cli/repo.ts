/** `sdlc repo`: the snapshot of the repository (contract shape of design.md with --json). */
import type * as Semver from 'semver';
import type { RepoSnapshot } from '../core/git/git';
import type { CommandOutput } from './args';
import { holdOptimizingCompiler, holdYoungGeneration } from './compilerTiers';
import type { CliContext } from './context';

export async function repoCommand(context: CliContext): Promise<CommandOutput> {
  // One pass over the refs, unless a branch's counts must be counted (see compilerTiers).
  const resumeOptimizing = holdOptimizingCompiler();
  const resumeGrowth = holdYoungGeneration();
  let snapshot: RepoSnapshot;
  try {
    snapshot = await context.readRepository(
      (git) => git.snapshot({ aheadBehind: 'all', beforeCounting: resumeOptimizing }),
      (s) => s.root,
    );
  } finally {
    resumeOptimizing();
    resumeGrowth();
  }
  // The summary only when it is printed (without --json): it sorts every tag's version.
  return {
    json: snapshot,
    get text() {
      return formatRepoSummary(snapshot);
    },
  };
}

export function formatRepoSummary(s: RepoSnapshot): string {
  // (Loaded here: with --json the command does not need semver, and it costs a new process ~5 ms.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require('semver') as typeof Semver;
  const rows: Array<[string, string]> = [];
  const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '');
  let head: string;
  if (s.head.detached) head = `detached at ${short(s.head.sha)}`;
  else if (!s.head.sha) head = `${s.head.branch ?? '?'} (no commits yet)`;
  else head = `${s.head.branch} (${short(s.head.sha)})`;
  if (s.upstream) head += ` → ${s.upstream} ↑${s.ahead} ↓${s.behind}`;
  else if (!s.head.detached && s.head.sha) head += ', no upstream';
  rows.push(['HEAD', head]);
  if (s.operation) rows.push(['In progress', s.operation]);

  const c = s.changes;
  const changes = [
    c.staged && `${c.staged} staged`,
    c.unstaged && `${c.unstaged} unstaged`,
    c.untracked && `${c.untracked} untracked`,
    c.conflicted && `${c.conflicted} conflicted`,
  ].filter(Boolean);
  rows.push(['Changes', changes.length ? changes.join(', ') : 'clean']);

  rows.push(['Branches', `${s.branches.length}${s.branches.length ? ` (${list(s.branches.map((b) => b.name))})` : ''}`]);
  const versions = s.tags.map((t) => t.version).filter((v): v is string => !!v && semver.valid(v) !== null);
  const latest = versions.length ? semver.rsort([...versions])[0] : null;
  const latestTag = latest ? s.tags.find((t) => t.version === latest)?.name : null;
  rows.push(['Tags', `${s.tags.length}${latestTag ? `, latest release ${latestTag}` : ''}`]);
  if (s.remotes.length === 0) rows.push(['Remotes', 'none']);
  for (const [i, r] of s.remotes.entries()) {
    const github = r.github ? `  (GitHub ${r.github.owner}/${r.github.repo})` : '';
    rows.push([i === 0 ? 'Remotes' : '', `${r.name}  ${r.url}${github}`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return [s.root, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

function list(names: string[], max = 5): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}
