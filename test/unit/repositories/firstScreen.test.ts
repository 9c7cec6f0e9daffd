import * as assert from 'node:assert/strict';
import { afterFirstScreen, DRAWN_SETTLE_MS, FIRST_ANSWER_WAIT_MS, HeldFirstAnswer, LOADING_QUIET_MS, QuietLoading, type FirstScreenView } from '../../../src/vscode/firstScreen';
import { FakeClock, settle } from '../github/fakeClock';

/** A view whose visibility the test sets; counts its listeners (the gate must let go of its own). */
class View implements FirstScreenView {
  readonly listeners = new Set<(e: { visible: boolean }) => unknown>();
  onDidChangeVisibility(listener: (e: { visible: boolean }) => unknown) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  set(visible: boolean) {
    for (const l of [...this.listeners]) l({ visible });
  }
}

function gate(waitMs = 1500) {
  const clock = new FakeClock(0);
  const view = new View();
  let draw!: () => void;
  const drawn = new Promise<void>((resolve) => (draw = resolve));
  let settledAt: number | undefined;
  void afterFirstScreen(drawn, view, waitMs, clock).then(() => (settledAt = clock.now()));
  return { clock, view, draw, settledAt: () => settledAt };
}

describe('afterFirstScreen (the other views wait for the Repositories view)', () => {
  it('settles when the view is drawn, not before, and lets go of its timer and listener', async () => {
    const g = gate();
    g.view.set(true);
    await g.clock.advance(400);
    assert.equal(g.settledAt(), undefined, 'the view is visible but not drawn yet');
    g.draw();
    await settle();
    assert.equal(g.settledAt(), undefined, 'not in the turn that drew it: VS Code has yet to send that answer');
    await g.clock.advance(DRAWN_SETTLE_MS - 1);
    assert.equal(g.settledAt(), undefined, 'nor while VS Code may still be sending it');
    await g.clock.advance(1);
    assert.equal(g.settledAt(), 400 + DRAWN_SETTLE_MS);
    assert.equal(g.clock.pendingTimers, 0);
    assert.equal(g.view.listeners.size, 0);
  });

  it('settles when the view is hidden', async () => {
    const g = gate();
    await g.clock.advance(100);
    g.view.set(false);
    await settle();
    assert.equal(g.settledAt(), 100);
    assert.equal(g.clock.pendingTimers, 0);
  });

  it('settles after the longest wait when the view never draws', async () => {
    const g = gate(1500);
    await g.clock.advance(1499);
    assert.equal(g.settledAt(), undefined);
    await g.clock.advance(1);
    assert.equal(g.settledAt(), 1500);
    assert.equal(g.view.listeners.size, 0);
    g.draw(); // later: nothing more happens
    await settle();
    assert.equal(g.settledAt(), 1500);
  });
});

describe('QuietLoading (a view passes on spinners alone late, content at once)', () => {
  function quiet() {
    const clock = new FakeClock(0);
    const passed: number[] = [];
    let content = false;
    const q = new QuietLoading(() => content, () => passed.push(clock.now()), LOADING_QUIET_MS, clock);
    return { clock, passed, q, show: () => (content = true), hide: () => (content = false) };
  }

  it('passes the first content on at once, and the spinners before it not at all when it comes within the quiet time', async () => {
    const t = quiet();
    t.q.changed(); // the search found a repository
    await t.clock.advance(1);
    t.q.changed(); // its load started
    await t.clock.advance(150);
    assert.deepEqual(t.passed, [], 'spinners alone are held back');
    t.show();
    t.q.changed(); // the snapshot is in
    assert.deepEqual(t.passed, [151], 'the content goes at once, once');
    assert.equal(t.clock.pendingTimers, 0, 'and the held spinners are not passed on after it');
    await t.clock.advance(LOADING_QUIET_MS);
    assert.deepEqual(t.passed, [151]);
  });

  it('passes spinners on, together, after the quiet time when the content is slow', async () => {
    const t = quiet();
    t.q.changed();
    await t.clock.advance(100);
    t.q.changed();
    await t.clock.advance(LOADING_QUIET_MS - 101);
    assert.deepEqual(t.passed, []);
    await t.clock.advance(1);
    assert.deepEqual(t.passed, [LOADING_QUIET_MS], 'one change for both, counted from the first');
    t.q.changed(); // another spinner later: held again
    await t.clock.advance(10);
    t.show();
    t.q.changed();
    assert.deepEqual(t.passed, [LOADING_QUIET_MS, LOADING_QUIET_MS + 10]);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('passes every change on at once once content was seen, even if the view is back to spinners', async () => {
    const t = quiet();
    t.show();
    t.q.changed();
    t.hide(); // (the view may show spinners again: its only repository was removed, say)
    t.q.changed();
    t.q.changed();
    assert.deepEqual(t.passed, [0, 0, 0]);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('lets go of its timer when disposed', async () => {
    const t = quiet();
    t.q.changed();
    t.q.dispose();
    assert.equal(t.clock.pendingTimers, 0);
    await t.clock.advance(LOADING_QUIET_MS);
    assert.deepEqual(t.passed, []);
  });
});

describe('HeldFirstAnswer (the top level is first answered with content)', () => {
  function held() {
    const clock = new FakeClock(0);
    let content = false;
    let made = 0;
    const h = new HeldFirstAnswer(() => content, FIRST_ANSWER_WAIT_MS, clock);
    const ask = () => {
      const answer = h.answer(() => ({ n: ++made, content, at: clock.now() }));
      const box: { value?: { n: number; content: boolean; at: number } } = {};
      if (answer instanceof Promise) void answer.then((v) => (box.value = v));
      else box.value = answer;
      return box;
    };
    return { clock, h, ask, show: () => (content = true), hide: () => (content = false) };
  }

  it('holds the answers until there is content, answers them with it, and then holds nothing', async () => {
    const t = held();
    const first = t.ask();
    await t.clock.advance(100);
    const second = t.ask(); // (VS Code may ask again meanwhile)
    await settle();
    assert.equal(first.value, undefined, 'held while there is nothing to show');
    assert.equal(t.h.release(), false, 'nothing to release without content');
    t.show();
    assert.equal(t.h.release(), true, 'released: the answers carry the change');
    await settle();
    assert.deepEqual([first.value, second.value], [{ n: 1, content: true, at: 100 }, { n: 2, content: true, at: 100 }]);
    assert.equal(t.clock.pendingTimers, 0);
    assert.equal(t.h.release(), false, 'nothing held any more');
    t.hide();
    assert.deepEqual(t.ask().value, { n: 3, content: false, at: 100 }, 'answered at once, spinners and all, once content was shown');
  });

  it('answers at once when there is content already', () => {
    const t = held();
    t.show();
    assert.deepEqual(t.ask().value, { n: 1, content: true, at: 0 });
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('answers with what there is when the wait runs out, and holds nothing after', async () => {
    const t = held();
    const first = t.ask();
    await t.clock.advance(FIRST_ANSWER_WAIT_MS - 1);
    assert.equal(first.value, undefined);
    await t.clock.advance(1);
    assert.deepEqual(first.value, { n: 1, content: false, at: FIRST_ANSWER_WAIT_MS });
    assert.deepEqual(t.ask().value, { n: 2, content: false, at: FIRST_ANSWER_WAIT_MS }, 'a slow repository shows its spinners from then on');
  });

  it('answers what it holds when disposed', async () => {
    const t = held();
    const first = t.ask();
    t.h.dispose();
    await settle();
    assert.deepEqual(first.value, { n: 1, content: false, at: 0 });
    assert.equal(t.clock.pendingTimers, 0);
  });
});
