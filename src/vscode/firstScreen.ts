import { systemClock, type Clock } from '../core/github/poller';

/** How long the other views wait at most for the Repositories view's first screen (ms after activation). */
export const FIRST_SCREEN_WAIT_MS = 1500;

/**
 * How long after the Repositories view's drawing the gate opens. Settling a turn later (0 ms) still let
 * the features chunk's load run before VS Code had sent the view's answer: in the editor bench,
 * interleaved (4 runs each), the populated view showed at 602–1,009 ms (median 768) with 0 ms and at
 * 387–650 ms (median 456) with 120 ms; the Versions plan did not move (2.1–2.5 s).
 */
export const DRAWN_SETTLE_MS = 120;

/** What the gate reads of the Repositories view (a vscode.TreeView). */
export interface FirstScreenView {
  onDidChangeVisibility(listener: (e: { visible: boolean }) => unknown): { dispose(): unknown };
}

/**
 * The Repositories view's first screen goes first. The other views' first loads (the features chunk,
 * the Versions plan, Test Runs and CI, the GitHub sign-in check) and the repositories' first pages of
 * commits wait for this promise: it settles
 * DRAWN_SETTLE_MS after the view has been drawn with a repository's snapshot (`drawn`), when the view is hidden,
 * or after `waitMs` (a Repositories view the user keeps collapsed never reports a drawing).
 * Why: right after activation the extension host's one thread also serves VS Code's requests for the
 * view's items, and VS Code's own extensions (Git) start at the same moment; with the other views'
 * loads in the way those requests waited, and the populated view came 1.2–2.0 s after activation in
 * the editor bench; 0.6–0.9 s with them held back. A command the user runs does not wait (it loads at once).
 */
export function afterFirstScreen(drawn: Promise<void>, view: FirstScreenView, waitMs = FIRST_SCREEN_WAIT_MS, clock: Clock = systemClock): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clock.clearTimeout(timer);
      visibility.dispose();
      resolve();
    };
    const timer = clock.setTimeout(done, waitMs);
    const visibility = view.onDidChangeVisibility((e) => {
      if (!e.visible) done();
    });
    // DRAWN_SETTLE_MS later: `drawn` settles inside the view's getChildren, and VS Code's extension
    // host converts that answer (parsing the items' Markdown tooltips for links) and sends it in turns
    // after it; what waits here (loading the features chunk: 70–140 ms at once) must not run before
    // the answer has gone out.
    void drawn.then(() => clock.setTimeout(done, DRAWN_SETTLE_MS));
  });
}

/** How long at most changes of loading states alone are held back before a view's first content (see QuietLoading). */
export const LOADING_QUIET_MS = 400;

/**
 * Passes a view's changes on (`passOn`: its onDidChangeTreeData), except that until the view has
 * content to show (`hasContent`) changes of loading states alone are held back for up to `quietMs`
 * and passed on together. VS Code's tree views debounce onDidChangeTreeData: a change within 200 ms
 * of the one before it is passed on 200 ms after the last of them. So the search's and the first
 * load's spinners, passed on at once, made the first snapshot wait for that delay, and each change
 * passed on makes VS Code fetch the view again while it may still be drawing the one before (seen
 * in the editor bench: a second fetch of the whole view before the first was drawn).
 */
export class QuietLoading {
  private timer: unknown;
  private contentSeen = false;

  constructor(
    private readonly hasContent: () => boolean,
    private readonly passOn: () => void,
    private readonly quietMs = LOADING_QUIET_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  changed(): void {
    this.contentSeen ||= this.hasContent();
    if (this.contentSeen) return this.flush();
    this.timer ??= this.clock.setTimeout(() => this.flush(), this.quietMs);
  }

  private flush(): void {
    this.dispose();
    this.passOn();
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** How long at most the view's first answer for its top level waits for content (see HeldFirstAnswer). */
export const FIRST_ANSWER_WAIT_MS = 1000;

/**
 * The view's first answer for its top level, held until it has content (`hasContent`) or for at most
 * `waitMs`: VS Code shows the view's progress bar meanwhile, and draws the content as soon as it is
 * answered. Answered at once with spinners ("Reading repository…"), the content came only after a
 * second round trip: the change passed on, VS Code asking again, its answer (~50 ms of the editor
 * bench's 450 ms from activation to the populated view, on a busy extension host). It applies when
 * VS Code asks before the first snapshot is in (in the editor bench, before the configuration was
 * kept; with it, the snapshot came first). Once answered with content, or once the wait ran out,
 * nothing is held again.
 */
export class HeldFirstAnswer {
  private held: Array<() => void> = [];
  private done = false;

  constructor(
    private readonly hasContent: () => boolean,
    private readonly waitMs = FIRST_ANSWER_WAIT_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** `make()` now when there is content (or nothing is held any more), else once there is or the wait ran out. */
  answer<T>(make: () => T): T | Promise<T> {
    if (this.done || this.hasContent()) {
      this.done = true;
      return make();
    }
    return new Promise<T>((resolve) => {
      const settle = () => {
        this.clock.clearTimeout(timer);
        this.held = this.held.filter((h) => h !== settle);
        this.done = true;
        resolve(make());
      };
      const timer = this.clock.setTimeout(settle, this.waitMs);
      this.held.push(settle);
    });
  }

  /** Answers the held requests when there is content now; true when one was (its answer carries the change). */
  release(): boolean {
    if (this.held.length === 0 || !this.hasContent()) return false;
    for (const settle of [...this.held]) settle();
    return true;
  }

  /** Answers whatever is held (with what there is now). */
  dispose(): void {
    for (const settle of [...this.held]) settle();
  }
}
