import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregateCiState, checkRunState, ciStatusFrom, commitStatusState } from '../../../src/core/github/ci';
import type { CiState } from '../../../src/core/github/github';

describe('CI state', () => {
  it('maps commit status states', () => {
    assert.equal(commitStatusState('success'), 'success');
    assert.equal(commitStatusState('failure'), 'failure');
    assert.equal(commitStatusState('error'), 'failure');
    assert.equal(commitStatusState('pending'), 'pending');
  });

  it('maps check runs: unfinished → pending, conclusions → success / failure / neutral', () => {
    for (const status of ['queued', 'in_progress', 'waiting', 'requested', 'pending']) assert.equal(checkRunState({ status, conclusion: null }), 'pending');
    const cases: Array<[string | null, CiState]> = [
      ['success', 'success'],
      ['failure', 'failure'],
      ['timed_out', 'failure'],
      ['action_required', 'failure'],
      ['startup_failure', 'failure'],
      ['cancelled', 'neutral'],
      ['skipped', 'neutral'],
      ['neutral', 'neutral'],
      ['stale', 'neutral'],
      [null, 'neutral'],
    ];
    for (const [conclusion, state] of cases) assert.equal(checkRunState({ status: 'completed', conclusion }), state, String(conclusion));
  });

  it('aggregates failure > pending > success > neutral, none when empty', () => {
    assert.equal(aggregateCiState([]), 'none');
    assert.equal(aggregateCiState(['none']), 'none');
    assert.equal(aggregateCiState(['neutral', 'neutral']), 'neutral');
    assert.equal(aggregateCiState(['success', 'neutral']), 'success');
    assert.equal(aggregateCiState(['success', 'pending', 'neutral']), 'pending');
    assert.equal(aggregateCiState(['pending', 'failure', 'success']), 'failure');
  });

  it('aggregation does not depend on order and a failure always wins (property)', () => {
    const state = fc.constantFrom<CiState>('success', 'failure', 'pending', 'neutral', 'none');
    fc.assert(
      fc.property(fc.array(state), (states) => {
        const a = aggregateCiState(states);
        assert.equal(aggregateCiState([...states].reverse()), a);
        if (states.includes('failure')) assert.equal(a, 'failure');
        else if (states.includes('pending')) assert.equal(a, 'pending');
        if (states.every((s) => s === 'none')) assert.equal(a, 'none');
      }),
    );
  });

  it('combines statuses and check runs into checks with kind and url', () => {
    const ci = ciStatusFrom(
      [{ state: 'success', context: 'ci/jenkins', target_url: 'https://ci.example/1' }],
      [
        { name: 'build', status: 'completed', conclusion: 'success', html_url: 'https://github.com/o/r/runs/1' },
        { name: 'lint', status: 'completed', conclusion: 'skipped', html_url: null, details_url: 'https://d/2' },
        { name: 'e2e', status: 'in_progress', conclusion: null },
      ],
    );
    assert.equal(ci.state, 'pending');
    assert.deepEqual(ci.checks, [
      { name: 'ci/jenkins', state: 'success', url: 'https://ci.example/1', kind: 'status' },
      { name: 'build', state: 'success', url: 'https://github.com/o/r/runs/1', kind: 'check' },
      { name: 'lint', state: 'neutral', url: 'https://d/2', kind: 'check' },
      { name: 'e2e', state: 'pending', url: null, kind: 'check' },
    ]);
    assert.deepEqual(ciStatusFrom([], []), { state: 'none', checks: [] });
    assert.equal(ciStatusFrom([{ state: 'error', context: 'x' }], [{ name: 'b', status: 'completed', conclusion: 'success' }]).state, 'failure');
  });
});
