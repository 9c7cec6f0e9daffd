import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Signals a child and everything it started. On POSIX the child is spawned `detached`, so it leads
 * its own process group and `kill(-pid)` reaches grandchildren too (npm → node → workers). On
 * Windows `taskkill /T` walks the tree.
 */
export function killTree(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    const args = ['/pid', String(pid), '/T'];
    if (signal === 'SIGKILL') args.push('/F');
    const killer = spawn('taskkill', args, { stdio: 'ignore', windowsHide: true });
    killer.on('error', () => child.kill(signal));
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already (ESRCH): fall back to the child itself, which may not be.
    try {
      child.kill(signal);
    } catch {
      // gone
    }
  }
}

/** Process groups still running in this process, for the last-chance kill when it exits. */
const everyLiveTree = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously as the process ends (the editor's extension host closing
  // without a completed deactivate, the CLI exiting): no timer can fire any more, so SIGKILL now.
  process.on('exit', () => {
    for (const child of everyLiveTree) killTree(child, 'SIGKILL');
    everyLiveTree.clear();
  });
}

interface Tracked {
  child: ChildProcess;
  /** Cancels the run the process belongs to, the way Cancel does (SIGTERM now, SIGKILL after a grace). */
  cancel: () => void;
  exited: Promise<void>;
}

/**
 * The process trees of running suites, so they can all be ended at once: when the editor closes or
 * reloads (the extension deactivates, this is disposed) or the CLI is interrupted. `runSuite`
 * registers each child it starts (`track`); `dispose` cancels every run as Cancel does and, for
 * trees still alive after `graceMs`, sends SIGKILL to the whole group. Children started after
 * `dispose` are cancelled at once. Whatever is still running when this Node process exits gets
 * SIGKILL from an exit hook, even without `dispose`.
 */
export class ProcessTrees {
  private readonly live = new Set<Tracked>();
  private disposed = false;

  constructor(private readonly graceMs = 2000) {}

  get size(): number {
    return this.live.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers a started child; returns the function that forgets it (call it once the run is over). */
  track(child: ChildProcess, cancel: () => void): () => void {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const entry: Tracked = { child, cancel, exited };
    this.live.add(entry);
    everyLiveTree.add(child);
    installExitHook();
    void exited.then(() => everyLiveTree.delete(child));
    if (this.disposed) cancel();
    return () => {
      this.live.delete(entry);
    };
  }

  /**
   * Cancels every tracked run and resolves once all their processes have exited, SIGKILLing the
   * groups of those still alive after the grace period.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const entries = [...this.live];
    for (const e of entries) {
      try {
        e.cancel();
      } catch {
        killTree(e.child, 'SIGTERM');
      }
    }
    if (entries.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), this.graceMs);
    });
    const all = Promise.all(entries.map((e) => e.exited)).then(() => 'exited' as const);
    try {
      if ((await Promise.race([all, grace])) === 'grace') {
        for (const e of entries) killTree(e.child, 'SIGKILL');
        await all;
      }
    } finally {
      clearTimeout(timer);
    }
    // The leaders are gone; a member that outlived its leader (ignored SIGTERM) goes too.
    for (const e of entries) killTree(e.child, 'SIGKILL');
  }
}
