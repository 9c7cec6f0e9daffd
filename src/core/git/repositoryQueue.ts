import * as path from 'node:path';

/**
 * Serializes git work per repository: one task at a time for a given root, while different
 * repositories run in parallel. Shared by every `Git` created for the same root (the editor and a
 * background refresh may each hold one), so a write never overlaps anything else on that repository.
 * Tasks queued as `shared` (reads that change nothing) run alongside the shared tasks next to them in
 * the queue, but never alongside an exclusive one: a shared task starts once every exclusive task
 * queued before it has settled; an exclusive task once everything queued before it has.
 */
export class RepositoryQueue {
  /** settles when every task queued so far has settled */
  private tail: Promise<unknown> = Promise.resolve();
  /** settles when every task up to the last exclusive one has settled */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private size = 0;

  constructor(private readonly onIdle: () => void = () => {}) {}

  /** How many tasks have started so far: a task that sees `started` one above an earlier task's knows nothing ran between them. */
  started = 0;

  /** Runs `task` after everything queued before it has settled (fulfilled or rejected); with `shared`, after the exclusive tasks queued before it. */
  run<T>(task: () => Promise<T>, options: { shared?: boolean } = {}): Promise<T> {
    this.size++;
    const start = () => {
      this.started++;
      return task();
    };
    const after = options.shared ? this.exclusiveTail : this.tail;
    const result = after.then(start, start);
    const settled = result.then(
      () => this.settled(),
      () => this.settled(),
    );
    if (options.shared) {
      this.tail = Promise.all([this.tail, settled]);
    } else {
      this.tail = settled;
      this.exclusiveTail = settled;
    }
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
