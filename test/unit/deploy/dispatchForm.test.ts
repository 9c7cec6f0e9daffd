import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDispatchInputs, validateInputs } from '../../../src/core/deploy/dispatchForm';
import { mergeEnvironments, rollbackTarget, summarize } from '../../../src/core/deploy/environments';
import { SdlcError } from '../../../src/core/errors';

const WORKFLOW = `
name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      environment:
        type: environment
        required: true
      dry_run:
        type: boolean
        default: false
        description: Only plan
      replicas:
        type: number
        default: 2
      region:
        type: choice
        options: [eu-1, us-1, ap-1]
        required: true
      note:
        description: free text
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ run: echo hi }]
`;

const code = (c: string) => (e: unknown) => e instanceof SdlcError && e.code === c;

describe('deploy/dispatchForm', () => {
  it('reads the typed inputs of on.workflow_dispatch', () => {
    const form = parseDispatchInputs(WORKFLOW, 'deploy.yml');
    assert.deepEqual(form, [
      { name: 'environment', type: 'environment', description: '', required: true },
      { name: 'dry_run', type: 'boolean', description: 'Only plan', required: false, default: false },
      { name: 'replicas', type: 'number', description: '', required: false, default: 2 },
      { name: 'region', type: 'choice', description: '', required: true, options: ['eu-1', 'us-1', 'ap-1'] },
      { name: 'note', type: 'string', description: 'free text', required: false },
    ]);
    assert.deepEqual(parseDispatchInputs('on: workflow_dispatch\njobs: {}\n', 'a.yml'), []);
    assert.deepEqual(parseDispatchInputs('on: [push, workflow_dispatch]\n', 'a.yml'), []);
  });

  it('a workflow without a dispatch trigger, or not YAML, is refused with what to do', () => {
    assert.throws(() => parseDispatchInputs('on: push\n', 'ci.yml'), (e: unknown) => code('NoDispatchTrigger')(e) && /Add "on: workflow_dispatch"/.test((e as Error).message));
    assert.throws(() => parseDispatchInputs('on: [push\n', 'ci.yml'), code('InvalidWorkflow'));
  });

  it('validates values by type; sends strings', () => {
    const form = parseDispatchInputs(WORKFLOW, 'deploy.yml');
    const ctx = { environments: ['staging', 'production'], file: 'deploy.yml' };
    assert.deepEqual(validateInputs(form, { environment: 'staging', region: 'eu-1', dry_run: true, replicas: 3 }, ctx), { environment: 'staging', region: 'eu-1', dry_run: 'true', replicas: '3' });
    const bad = () => validateInputs(form, { environment: 'qa', region: 'mars', dry_run: 'yes', replicas: 'many', extra: 1 }, ctx);
    assert.throws(bad, (e: unknown) => {
      const m = (e as Error).message;
      return code('InvalidInputs')(e) && (e as SdlcError).usage && /"extra" is not an input/.test(m) && /"environment" must be an environment of the repository \(staging, production\), got "qa"/.test(m) && /"region" must be one of eu-1, us-1, ap-1/.test(m) && /"dry_run" must be true or false/.test(m) && /"replicas" must be a number/.test(m);
    });
    assert.throws(() => validateInputs(form, { environment: 'staging' }, ctx), (e: unknown) => /"region" is required/.test((e as Error).message));
  });

  it('number inputs accept exactly the finite numbers (property)', () => {
    const form = parseDispatchInputs('on:\n  workflow_dispatch:\n    inputs:\n      n: { type: number }\n', 'a.yml');
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.string()), (text) => {
        const valid = text.trim() !== '' && Number.isFinite(Number(text));
        let ok = true;
        try {
          validateInputs(form, { n: text }, { file: 'a.yml' });
        } catch {
          ok = false;
        }
        assert.equal(ok, valid || text === '');
      }),
    );
  });
});

describe('deploy/environments', () => {
  const gh = [
    { id: 1, name: 'production', htmlUrl: '', reviewers: ['alice'], waitTimerMinutes: 0 },
    { id: 2, name: 'preview', htmlUrl: '', reviewers: [], waitTimerMinutes: 0 },
  ];

  it('merges GitHub environments with .sdlc.json, protected from either side, in promotion order', () => {
    const envs = mergeEnvironments(
      { promotion: ['staging', 'production'], environments: [{ name: 'production', strategy: { type: 'phased', waves: ['eu-1'] } }, { name: 'staging', protected: true, deploy: { workflow: 'deploy.yml' } }] },
      gh,
    );
    assert.deepEqual(envs.map((e) => [e.name, e.source, e.protected, e.strategy.type]), [
      ['staging', 'config', true, 'big-bang'],
      ['production', 'both', true, 'phased'],
      ['preview', 'github', false, 'big-bang'],
    ]);
    assert.deepEqual(envs[1].reviewers, ['alice']);
  });

  it('rollback target: the last good deployment of another commit; after a failed deploy, the current good one', () => {
    const d = (id: number, sha: string, state: 'success' | 'failure') => summarize({ id, ref: `v${sha}`, sha, environment: 'p', task: 'deploy', description: null, creator: null, createdAt: '', payload: {}, statuses: [{ id, state, description: '', creator: null, createdAt: '', logUrl: null, environmentUrl: null }] });
    assert.equal(rollbackTarget([d(5, '3', 'success'), d(4, '3', 'success'), d(3, '2', 'failure'), d(2, '1', 'success')])?.id, 2);
    assert.equal(rollbackTarget([d(5, '3', 'failure'), d(4, '2', 'success'), d(3, '1', 'success')])?.id, 4);
    assert.equal(rollbackTarget([d(5, '3', 'success')]), null);
    assert.equal(d(1, '1.2.3', 'success').version, '1.2.3');
  });
});
