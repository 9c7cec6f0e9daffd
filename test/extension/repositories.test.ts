// The Repositories view in a real VS Code: real repositories in the test workspace, a real
// smart-HTTP git remote, and the fake GitHub validated against GitHub's OpenAPI description.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { startFakeGitHub, assertNoViolations, type FakeGitHub } from '../support/fakeGithub';
import { startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';
import { cloneRepo, commit, git, headSha, makeRepo } from '../support/repos';
import { activate, find, inspect, labels, run, waitFor, waitForItem } from './helpers';

const TOKEN = 'ghp_testTokenThatMustNeverBeLogged0123456789';

describe('Repositories view', function () {
  this.timeout(90000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const app = path.join(workspace, 'app');
  const plain = path.join(workspace, 'plain');
  const nested = path.join(workspace, 'libs', 'nested', 'core');
  let github: FakeGitHub;
  let remote: GitHttpServer;
  let mainSha: string;
  let featureSha: string;

  before(async () => {
    assert.ok(workspace, 'the harness must open a workspace folder (SDLC_TEST_WORKSPACE)');
    github = await startFakeGitHub({ tokens: [TOKEN] });
    github.state.setUser({ login: 'octo', name: 'Octo Cat' });
    github.state.addRepo({ owner: 'acme', repo: 'app' });
    remote = await startGitHttpServer();
    const originUrl = await remote.createBareRepo('app');

    await makeRepo({ dir: app, commits: ['feat: one', 'fix: two', 'chore: three'], tags: ['v1.0.0', { name: 'v1.2.0', message: 'Release 1.2.0' }, 'v1.10.0', 'nightly'] });
    await git(app, ['remote', 'add', 'origin', originUrl]);
    await git(app, ['push', '-q', '-u', 'origin', 'main']);
    await git(app, ['checkout', '-q', '-b', 'feature/login']);
    featureSha = await commit(app, 'feat(auth): login form');
    await git(app, ['push', '-q', '-u', 'origin', 'feature/login']);
    await commit(app, 'wip: not pushed yet');
    await git(app, ['checkout', '-q', 'main']);
    mainSha = await headSha(app);
    // A GitHub remote as after a fetch from github.com: CI and pull requests come from the fake API.
    await git(app, ['remote', 'add', 'github', 'https://github.com/acme/app.git']);
    await git(app, ['update-ref', 'refs/remotes/github/main', mainSha]);
    await git(app, ['update-ref', 'refs/remotes/github/feature/login', featureSha]);
    github.state.setCommitStatus('acme', 'app', mainSha, { state: 'success', context: 'ci/build' });
    github.state.addCheckRun('acme', 'app', featureSha, { name: 'unit tests', status: 'completed', conclusion: 'failure' });
    github.state.addPull('acme', 'app', { title: 'Add login form', head: { ref: 'feature/login', sha: featureSha }, base: { ref: 'main' } });
    github.state.addPull('acme', 'app', { title: 'Try the new parser', head: { ref: 'spike/parser', sha: mainSha }, base: { ref: 'main' }, draft: true });
    // Working tree: one staged, one changed, one untracked file.
    await fs.writeFile(path.join(app, 'staged.txt'), 'staged\n');
    await git(app, ['add', 'staged.txt']);
    await fs.appendFile(path.join(app, 'file1.txt'), 'changed\n');
    await fs.writeFile(path.join(app, 'untracked.txt'), 'new\n');

    await makeRepo({ dir: plain, commits: 60 });
    await makeRepo({ dir: nested, commits: ['feat: core'] });
    await makeRepo({ dir: path.join(workspace, 'empty'), commits: 0 });

    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', github.url, vscode.ConfigurationTarget.Global);
    await activate();
    const signIn = await run<{ login: string }>('sdlc.github.signInWithToken', TOKEN);
    assert.equal(signIn.login, 'octo', JSON.stringify(signIn));
    await run('sdlc.repositories.refresh');
  });

  afterEach(() => {
    assertNoViolations(github);
    github.faults.length = 0;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await remote?.close();
    await github?.close();
  });

  it('lists every repository of the workspace, nested ones included', async () => {
    const view = await inspect();
    assert.equal(view.state, 'ready');
    assert.deepEqual(view.items.map((i) => i.label).sort(), ['app', 'empty', 'libs/nested/core', 'plain']);
  });

  it('describes a repository by branch and changes, and its working tree by group', async () => {
    const repo = await waitForItem('app described', ['app'], (i) => /^main\b/.test(i.description ?? '') && (i.description ?? '').includes('●3'));
    assert.equal(repo.icon, 'repo');
    const tree = find([repo], 'app', 'Working Tree');
    assert.equal(tree?.description, '1 staged, 1 changed, 1 untracked');
    assert.deepEqual(labels(tree), ['Staged', 'Changed', 'Untracked']);
    assert.deepEqual(labels(find([repo], 'app', 'Working Tree', 'Untracked')), ['untracked.txt']);
  });

  it('shows branches current first, with upstream ahead/behind and the CI state of their head', async () => {
    const feature = await waitForItem('feature/login ahead of its upstream', ['app', 'Branches', 'feature/login'], (i) => (i.description ?? '').includes('↑1'));
    assert.match(feature.description ?? '', /↑1 origin\/feature\/login/);
    const branches = find((await inspect()).items, 'app', 'Branches');
    assert.deepEqual(labels(branches).slice(0, 2), ['main', 'feature/login']);
    assert.match(find(branches?.children, 'main')?.description ?? '', /^● ✓ origin\/main/);
    const ci = await waitForItem('CI icons from GitHub', ['app', 'Branches'], (b) => find(b.children, 'main')?.icon === 'pass-filled' && find(b.children, 'feature/login')?.icon === 'error');
    assert.ok(labels(ci).includes('Remote Branches'));
    assert.ok(labels(find(ci.children, 'Remote Branches')).includes('origin/feature/login'));
  });

  it('sorts tags by semantic version, newest first, other tags after', async () => {
    assert.deepEqual(labels(find((await inspect()).items, 'app', 'Tags')), ['v1.10.0', 'v1.2.0', 'v1.0.0', 'nightly']);
  });

  it('marks GitHub remotes', async () => {
    const remotes = find((await inspect()).items, 'app', 'Remotes');
    const gh = find(remotes?.children, 'github');
    assert.equal(gh?.icon, 'github');
    assert.equal(gh?.description, 'acme/app');
    assert.equal(find(remotes?.children, 'origin')?.icon, 'remote');
    assert.deepEqual(labels(find((await inspect()).items, 'plain', 'Remotes')), ['No remotes: add one with git remote add']);
  });

  it('lists open pull requests from GitHub', async () => {
    const pulls = await waitForItem('pull requests', ['app', 'Pull Requests'], (i) => i.description === '2');
    // GitHub's order: newest first.
    assert.deepEqual(labels(pulls), ['#2 Try the new parser', '#1 Add login form']);
    assert.equal(find(pulls.children, '#2')?.icon, 'git-pull-request-draft');
    assert.equal(find((await inspect()).items, 'plain', 'Pull Requests'), undefined, 'no GitHub remote, no pull requests node');
  });

  it('pages commits: the first 50, then more on request', async () => {
    const commits = find((await inspect()).items, 'plain', 'Commits');
    assert.equal(commits?.children?.length, 51);
    assert.equal(commits?.children?.[50].label, 'Load more commits…');
    assert.equal(commits?.children?.[0].label, 'commit 60');
    const more = await run<{ commits: number; complete: boolean }>('sdlc.repositories.loadMoreCommits', { repository: plain });
    assert.deepEqual(more, { commits: 60, complete: true });
    const all = find((await inspect()).items, 'plain', 'Commits');
    assert.equal(all?.children?.length, 60);
    assert.equal(all?.children?.[59].label, 'commit 1');
  });

  it('shows an empty repository as such', async () => {
    const empty = find((await inspect()).items, 'empty');
    assert.match(empty?.description ?? '', /no commits yet/);
    assert.deepEqual(labels(find(empty?.children, 'Commits')), ['No commits yet']);
    const tag = await run('sdlc.repositories.createTag', { repository: path.join(workspace, 'empty'), name: 'v0.1.0', message: 'x' });
    assert.equal(tag.error?.code, 'EmptyRepository');
  });

  it('creates a branch with a validated name and records it in the audit log', async () => {
    for (const bad of ['a..b', '-x', 'a b', 'x@{y', 'topic.lock']) {
      const result = await run('sdlc.repositories.createBranch', { repository: plain, name: bad });
      assert.equal(result.error?.code, 'InvalidRefName', `${bad}: ${JSON.stringify(result)}`);
    }
    assert.equal((await git(plain, ['branch', '--list'])).trim(), '* main', 'no branch was created by the bad names');
    const ok = await run<{ branch: string; sha: string }>('sdlc.repositories.createBranch', { repository: plain, name: 'feature/new', checkout: false });
    assert.equal(ok.branch, 'feature/new');
    assert.equal(ok.sha, await headSha(plain));
    const again = await run('sdlc.repositories.createBranch', { repository: plain, name: 'feature/new', checkout: false });
    assert.equal(again.error?.code, 'RefExists');
    await waitForItem('the new branch', ['plain', 'Branches', 'feature/new']);

    const audit = (await fs.readFile(path.join(plain, '.git', 'sdlc', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { action: string; result: string; target: Record<string, string>; actor: { tool: string } });
    const created = audit.filter((e) => e.action === 'branch.create' && e.result === 'success');
    assert.equal(created.length, 1);
    assert.deepEqual(created[0].target, { branch: 'feature/new', startPoint: 'HEAD' });
    assert.equal(created[0].actor.tool, 'vscode');
    const verify = await run<{ ok: boolean }>('sdlc.repositories.refresh', { repository: plain });
    assert.ok(!verify.error);
  });

  it('creates an annotated tag and pushes it to the remote', async () => {
    const bad = await run('sdlc.repositories.createTag', { repository: app, name: 'v2.0.0.lock', message: 'x' });
    assert.equal(bad.error?.code, 'InvalidRefName');
    const exists = await run('sdlc.repositories.createTag', { repository: app, name: 'v1.0.0', message: 'x' });
    assert.equal(exists.error?.code, 'RefExists');
    const created = await run<{ tag: string; sha: string }>('sdlc.repositories.createTag', { repository: app, name: 'v2.0.0', message: 'Release 2.0.0' });
    assert.deepEqual(created, { tag: 'v2.0.0', sha: mainSha });
    assert.equal((await git(app, ['cat-file', '-t', 'v2.0.0'])).trim(), 'tag');
    const pushed = await run('sdlc.repositories.pushTag', { repository: app, name: 'v2.0.0', remote: 'origin' });
    assert.ok(!pushed.error, JSON.stringify(pushed));
    assert.match(await git(app, ['ls-remote', 'origin', 'refs/tags/v2.0.0']), /refs\/tags\/v2\.0\.0/);
    await waitFor('tag v2.0.0 first in Tags', async () => labels(find((await inspect()).items, 'app', 'Tags'))[0] === 'v2.0.0');
  });

  it('deletes a branch only after a second confirmation when it is not merged', async () => {
    await git(plain, ['checkout', '-q', '-b', 'spike']);
    const spikeSha = await commit(plain, 'spike work');
    await git(plain, ['checkout', '-q', 'main']);
    const refused = await run('sdlc.repositories.deleteBranch', { repository: plain, name: 'spike', confirm: false });
    assert.equal(refused.error?.code, 'BranchNotMerged');
    assert.equal(await headSha(plain, 'spike'), spikeSha, 'the branch is still there');
    const current = await run('sdlc.repositories.deleteBranch', { repository: plain, name: 'main', confirm: false });
    assert.ok(current.error, 'the current branch cannot be deleted');
    const deleted = await run<{ deleted: string; sha: string }>('sdlc.repositories.deleteBranch', { repository: plain, name: 'spike', confirm: false, force: true });
    assert.deepEqual(deleted, { deleted: 'spike', sha: spikeSha });
    await assert.rejects(git(plain, ['rev-parse', '--verify', 'refs/heads/spike']));
  });

  it('follows changes made outside the editor, and checks out through the command', async () => {
    await git(plain, ['checkout', '-q', '-b', 'outside']);
    await waitForItem('HEAD on outside', ['plain'], (i) => (i.description ?? '').startsWith('outside'));
    const result = await run<{ head: string }>('sdlc.repositories.checkout', { repository: plain, ref: 'main' });
    assert.equal(result.head, 'main');
    assert.equal((await git(plain, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim(), 'main');
    await waitForItem('HEAD back on main', ['plain'], (i) => (i.description ?? '').startsWith('main'));
  });

  it('finds a repository created while the view is open', async () => {
    await makeRepo({ dir: path.join(workspace, 'later'), commits: 1 });
    await waitFor('the new repository', async () => (await inspect()).items.some((i) => i.label === 'later'));
  });

  it('reports a rejected push and keeps the local commit', async () => {
    const other = await cloneRepo(remote.repoUrl('app'));
    await commit(other, 'feat: someone else was faster');
    await git(other, ['push', '-q', 'origin', 'main']);
    const local = await commit(app, 'feat: my change');
    const result = await run('sdlc.repositories.push', { repository: app, confirm: false });
    assert.equal(result.error?.code, 'PushRejected', JSON.stringify(result));
    assert.match(result.error?.message ?? '', /pull|fetch/i);
    assert.equal(await headSha(app), local, 'the local commit is kept');
  });

  it('publishes a branch without upstream when asked to', async () => {
    await git(plain, ['remote', 'add', 'origin', await remote.createBareRepo('plain')]);
    const result = await run<{ remote: string; branch: string }>('sdlc.repositories.push', { repository: plain, setUpstream: true, remote: 'origin' });
    assert.equal(result.branch, 'main', JSON.stringify(result));
    assert.equal((await git(plain, ['rev-parse', '--abbrev-ref', 'main@{upstream}'])).trim(), 'origin/main');
  });

  it('copies a SHA and builds GitHub links', async () => {
    const copied = await run<{ sha: string }>('sdlc.repositories.copySha', { repository: app, ref: 'v1.0.0' });
    assert.equal(copied.sha, mainSha);
    assert.equal(await vscode.env.clipboard.readText(), mainSha);
    const link = await run<{ url: string }>('sdlc.repositories.openOnGitHub', { repository: app, open: false });
    assert.equal(link.url, 'https://github.com/acme/app');
    const none = await run('sdlc.repositories.openOnGitHub', { repository: plain, open: false });
    assert.equal(none.error?.code, 'NotOnGitHub');
  });

  it('shows GitHub failures in the view with a way out', async () => {
    github.faults.push({ match: { path: /\/pulls$/ }, times: 20, respond: { status: 502 } });
    await run('sdlc.repositories.refresh', { repository: app });
    const failed = await waitForItem('GitHub error node', ['app', 'Pull Requests'], (i) => i.description === 'unavailable');
    assert.match(failed.children?.[0].label ?? '', /^GitHub: .*\(click to retry\)$/);
    assert.equal(failed.children?.[0].icon, 'warning');
    github.faults.length = 0;

    github.faults.push({ match: { path: /\/pulls$/ }, times: 20, respond: { primaryLimit: true } });
    await run('sdlc.repositories.refresh', { repository: app });
    await waitForItem('rate-limit node', ['app', 'Pull Requests'], (i) => /rate limit reached: resets at/.test(i.children?.[0].label ?? ''));
    github.faults.length = 0;

    await run('sdlc.repositories.refresh', { repository: app });
    await waitForItem('recovered', ['app', 'Pull Requests'], (i) => i.description === '2');
  });

  it('offers sign-in when signed out, and rejects a bad token without storing it', async () => {
    await run('sdlc.github.signOut');
    const signedOut = await waitForItem('signed-out node', ['app', 'Pull Requests'], (i) => i.description === 'signed out');
    assert.equal(signedOut.children?.[0].label, 'Sign in to GitHub to see pull requests and CI status');
    const bad = await run('sdlc.github.signInWithToken', 'ghp_notAValidTokenForThisServer000000000');
    assert.equal(bad.error?.code, 'Unauthorized');
    assert.ok(!bad.error?.message.includes('ghp_notAValid'), 'the token is not in the message');
    await waitForItem('still signed out', ['app', 'Pull Requests'], (i) => i.description === 'signed out');
    const ok = await run<{ login: string }>('sdlc.github.signInWithToken', TOKEN);
    assert.equal(ok.login, 'octo');
    await waitForItem('signed in again', ['app', 'Pull Requests'], (i) => i.description === '2');
  });

  it('says git is missing when it cannot be started (no `git --version` otherwise), and finds the repositories again once it can', async () => {
    const before = (await inspect()).items.map((i) => i.label).sort();
    const saved = process.env.PATH;
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-no-git-'));
    process.env.PATH = empty; // git processes of this extension host look git up here: not found
    try {
      await run('sdlc.repositories.refresh');
      await waitFor('the git-missing state', async () => (await inspect()).state === 'gitMissing');
      assert.deepEqual((await inspect()).items, []);
    } finally {
      process.env.PATH = saved;
    }
    await run('sdlc.repositories.refresh');
    await waitFor('the repositories again', async () => {
      const view = await inspect();
      return view.state === 'ready' && JSON.stringify(view.items.map((i) => i.label).sort()) === JSON.stringify(before);
    });
  });

  it('never writes the token to the audit log', async () => {
    for (const repo of [app, plain]) {
      const text = await fs.readFile(path.join(repo, '.git', 'sdlc', 'audit.jsonl'), 'utf8');
      assert.ok(text.length > 0);
      assert.ok(!text.includes(TOKEN));
    }
  });
});
