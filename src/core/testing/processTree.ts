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
