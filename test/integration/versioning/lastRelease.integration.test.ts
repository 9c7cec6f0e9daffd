import { strict as assert } from 'node:assert';
import { findLastRelease } from '../../../src/core/versioning/lastRelease';
import { compileTagFormat } from '../../../src/core/versioning/tagFormat';
import { TempRepo } from './tempRepo';

describe('versioning/findLastRelease on a real repository', () => {
  let repo: TempRepo;
  before(() => {
    repo = new TempRepo();
  });
  after(() => repo.dispose());

  it('null without tags; then the highest matching tag reachable from HEAD', async () => {
    const git = repo.runner();
    const v = compileTagFormat('v${version}');
    repo.commit('chore: root');
    assert.equal(await findLastRelease(git, v), null);

    repo.tag('v1.0.0', true);
    const second = repo.commit('feat: two');
    repo.tag('v1.1.0');
    repo.tag('nightly');
    repo.tag('@acme/core@3.0.0');
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('feat: side', 'side.txt');
    repo.tag('v9.0.0'); // not merged into main
    repo.git('checkout', '-q', 'main');

    assert.deepEqual(await findLastRelease(git, v), { tag: 'v1.1.0', version: '1.1.0', sha: second });
    assert.equal((await findLastRelease(git, compileTagFormat('${name}@${version}', '@acme/core')))?.version, '3.0.0');
    const annotated = await findLastRelease(git, v, { ref: 'v1.0.0' });
    assert.equal(annotated?.sha, repo.git('rev-parse', 'v1.0.0^{commit}').trim(), 'annotated tags give the commit');
  });
});
