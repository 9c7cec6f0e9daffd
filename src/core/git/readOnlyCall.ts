/**
 * Which raw `Git.run` calls only read, so that they may run side by side with other reads on the
 * same repository (never alongside a write: see RepositoryQueue). Conservative on purpose: a call is
 * read-only only when its first argument is one of the commands below (no global options such as
 * `-c` before it) and, for commands that can also write, only in their listing / reading form.
 * Anything else keeps the repository to itself.
 */

/** Commands that never change refs, the index, config, objects or the work tree. */
const ALWAYS_READ = new Set(['for-each-ref', 'rev-parse', 'rev-list', 'log', 'merge-base', 'ls-files', 'ls-tree', 'cat-file', 'check-ignore', 'show-ref', 'describe', 'diff-tree']);

/** Options of `git config` that read (any other action, e.g. --unset or a value to set, writes). */
const CONFIG_READS = new Set(['--get', '--get-all', '--get-regexp', '--list', '-l']);

export function isReadOnlyCall(args: readonly string[]): boolean {
  const [command, ...rest] = args;
  if (command === undefined) return false;
  if (ALWAYS_READ.has(command)) return true;
  switch (command) {
    case 'tag':
      // List mode (`git tag --list …`); git refuses -l together with -d / -v, and nothing else writes.
      return rest.includes('--list') || rest.includes('-l');
    case 'symbolic-ref': {
      // Reading is `symbolic-ref [-q] [--short] NAME`; a second name, -d or -m writes.
      const options = rest.filter((a) => a.startsWith('-'));
      const names = rest.filter((a) => !a.startsWith('-'));
      return names.length <= 1 && options.every((o) => o === '-q' || o === '--quiet' || o === '--short' || o === '--no-recurse' || o === '--recurse');
    }
    case 'remote':
      // `git remote` (the names), `git remote -v` and `git remote get-url …`.
      return rest.length === 0 || (rest.length === 1 && (rest[0] === '-v' || rest[0] === '--verbose')) || rest[0] === 'get-url';
    case 'config':
      return rest.some((a) => CONFIG_READS.has(a)) && !rest.some((a) => /^--(unset|add|replace-all|rename-section|remove-section|edit)/.test(a) || a === '-e');
    default:
      return false;
  }
}
