import { startFakeGitHub } from './test/support/fakeGithub';
(async () => {
  const t0 = Date.now();
  const gh = await startFakeGitHub({ tokens: ['t1'] });
  const t1 = Date.now();
  const gh2 = await startFakeGitHub();
  console.log('start', t1 - t0, 'second', Date.now() - t1);
  await gh2.close();
  const s = gh.state;
  s.setUser({ login: 'mona', name: 'Mona' });
  s.addRepo({ owner: 'octo', repo: 'app' });
  s.addBranch('octo', 'app', { name: 'feat/x', sha: 'a'.repeat(40) });
  s.addTag('octo', 'app', { name: 'v1.0.0', sha: 'b'.repeat(40) });
  s.addPull('octo', 'app', { title: 'PR', head: { ref: 'feat/x', sha: 'a'.repeat(40) }, base: { ref: 'main' } });
  s.setCommitStatus('octo', 'app', 'a'.repeat(40), { state: 'success', context: 'ci', target_url: 'https://x/y' });
  s.addCheckRun('octo', 'app', 'a'.repeat(40), { name: 'build', status: 'completed', conclusion: 'success' });
  s.addCheckRun('octo', 'app', 'a'.repeat(40), { name: 'lint', status: 'in_progress' });
  for (const p of ['/user', '/rate_limit', '/repos/octo/app', '/repos/octo/app/pulls', '/repos/octo/app/pulls/1', '/repos/octo/app/commits/feat%2Fx/status', '/repos/octo/app/commits/feat%2Fx/check-runs', '/repos/octo/app/branches', '/repos/octo/app/tags', '/repos/octo/app/pulls?state=bogus', '/nope', '/repos/octo/app/releases', '/repos/octo/nope']) {
    const t = Date.now();
    const r = await fetch(gh.url + p, { headers: { authorization: 'token t1' } });
    const txt = await r.text();
    console.log(p, r.status, Date.now() - t, 'ms', r.headers.get('etag'), txt.slice(0, 150));
  }
  console.log(JSON.stringify(gh.violations, null, 1).slice(0, 3000));
  await gh.close();
})();
