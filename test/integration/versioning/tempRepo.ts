import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Git } from '../../../src/core/git/git';

/** A throwaway repository driven with execFileSync (no shell), and a minimal `Git` runner over it. */
export class TempRepo {
  readonly root: string;
  private n = 0;

  constructor(prefix = 'sdlc-versioning-') {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'Test User');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'commit.gpgsign', 'false');
    this.git('config', 'tag.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** A commit with exactly this message (verbatim: CRLF and trailing spaces kept), touching `file`. */
  commit(message: string, file = 'file.txt'): string {
    const p = path.join(this.root, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, `change ${++this.n}\n`);
    execFileSync('git', ['add', '--', file], { cwd: this.root });
    execFileSync('git', ['commit', '-q', '--cleanup=verbatim', '-F', '-'], { cwd: this.root, input: message });
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Commits everything written so far (e.g. with `write`), message verbatim. */
  commitAll(message: string): string {
    execFileSync('git', ['add', '-A'], { cwd: this.root });
    execFileSync('git', ['commit', '-q', '--cleanup=verbatim', '-F', '-'], { cwd: this.root, input: message });
    return this.git('rev-parse', 'HEAD').trim();
  }

  write(file: string, text: string): void {
    const p = path.join(this.root, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }

  tag(name: string, annotated = false): void {
    if (annotated) this.git('tag', '-a', name, '-m', `release ${name}`);
    else this.git('tag', name);
  }

  /** A `Git` that only implements what versioning uses: `root` and `run`. */
  runner(): Pick<Git, 'root' | 'run'> & { calls: string[][] } {
    const calls: string[][] = [];
    const root = this.root;
    return {
      root,
      calls,
      run: (args) =>
        new Promise<string>((resolve, reject) => {
          calls.push([...args]);
          execFile('git', args as string[], { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) =>
            err ? reject(Object.assign(err, { stderr })) : resolve(stdout),
          );
        }),
    };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
