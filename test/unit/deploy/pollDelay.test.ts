import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { pollDelay } from '../../../src/core/deploy/deployer';

describe('pollDelay (following a deployment or run)', () => {
  it('starts at 1 s and grows by half up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((a) => pollDelay(a, 5000)), [1000, 1500, 2250, 3375, 5000, 5000, 5000]);
  });

  it('never exceeds the cap (a small cap, as tests and SDLC_DEPLOY_POLL_MS use, wins from the start) and never shrinks', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.integer({ min: 1, max: 600_000 }), (attempt, cap) => {
        const d = pollDelay(attempt, cap);
        assert.ok(d <= cap && d > 0);
        assert.ok(pollDelay(attempt + 1, cap) >= d);
      }),
    );
  });
});
