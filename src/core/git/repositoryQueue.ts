import * as path from 'node:path';

/**
 * Serializes git work per repository: one task at a time for a given root, while different
 * repositories run in parallel. Shared by every `Git` created for the same root (the editor and a
 * background refresh may each hold one), so a write never overlaps anything else on that repository.
 */
export class RepositoryQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private size = 0;

  constructor(private readonly onIdle: () => void = () => {}) {}

  /** How many tasks have started so far: a task that sees `started` one above an earlier task's knows nothing ran between them. */
  started = 0;

  /** Runs `task` after everything queued before it has settled (fulfilled or rejected). */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.size++;
    const start = () => {
      this.started++;
      return task();
    };
    const result = this.tail.then(start, start);
    this.tail = result.then(
      () => this.settled(),
      () => this.settled(),
    );
    return result;
  }

  get pending(): number {
    return this.size;
  }

  private settled(): void {
    if (--this.size === 0) this.onIdle();
  }
}

const queues = new Map<string, RepositoryQueue>();
/** `started` of forgotten queues, so the count of a repository never goes back. */
const startedOfForgotten = new Map<string, number>();

/** The queue of the repository at `root` (created on first use, forgotten when idle). */
export function queueFor(root: string): RepositoryQueue {
  const key = path.resolve(root);
  let q = queues.get(key);
  if (!q) {
    const created: RepositoryQueue = new RepositoryQueue(() => {
      if (queues.get(key) === created && created.pending === 0) {
        queues.delete(key);
        startedOfForgotten.set(key, created.started);
      }
    });
    created.started = startedOfForgotten.get(key) ?? 0;
    q = created;
    queues.set(key, q);
  }
  return q;
}
