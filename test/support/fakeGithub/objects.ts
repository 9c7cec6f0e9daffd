/**
 * Builders of full API objects from state records: every field the description requires, with
 * realistic values (ids, node_ids, URLs under the server's own base, timestamps). Route handlers
 * use these so each resource is shaped in one place.
 */
import type { CheckRunRecord, CommitState, FakeState, PullRecord, RepoRecord, StatusRecord, UserRecord } from './state';

export type ApiObject = Record<string, unknown>;

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export class Objects {
  /** `htmlBase` stands in for https://github.com (links people would open). */
  readonly htmlBase: string;

  constructor(
    readonly apiBase: string,
    readonly state: FakeState,
  ) {
    this.htmlBase = `${apiBase}/_html`;
  }

  simpleUser(user: UserRecord): ApiObject {
    const u = `${this.apiBase}/users/${user.login}`;
    return {
      login: user.login,
      id: user.id,
      node_id: nodeId(user.type === 'Organization' ? 'Organization' : 'User', user.id),
      avatar_url: `${this.htmlBase}/avatars/u/${user.id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `${this.htmlBase}/${user.login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  userByLogin(login: string): ApiObject {
    return this.simpleUser(this.state.ensureUser(login));
  }

  /** GET /user: the private view of the authenticated user. */
  privateUser(user: UserRecord): ApiObject {
    const repos = [...this.state.repos.values()].filter((r) => r.owner.toLowerCase() === user.login.toLowerCase());
    return {
      ...this.simpleUser(user),
      user_view_type: 'private',
      name: user.name,
      company: null,
      blog: '',
      location: null,
      email: user.email,
      notification_email: user.email,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: repos.filter((r) => !r.private).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: user.createdAt,
      updated_at: user.createdAt,
      private_gists: 0,
      total_private_repos: repos.filter((r) => r.private).length,
      owned_private_repos: repos.filter((r) => r.private).length,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'pro', space: 976562499, private_repos: 9999, collaborators: 0 },
    };
  }

  repoUrl(r: RepoRecord): string {
    return `${this.apiBase}/repos/${r.owner}/${r.name}`;
  }

  /** Satisfies `repository`, `full-repository` and `minimal-repository` (a superset of all three). */
  repository(r: RepoRecord, opts: { full?: boolean } = {}): ApiObject {
    const u = this.repoUrl(r);
    const html = `${this.htmlBase}/${r.owner}/${r.name}`;
    const host = new URL(this.apiBase).host;
    const openIssues = [...r.pulls.values()].filter((p) => p.state === 'open').length;
    const owner = this.userByLogin(r.owner);
    const obj: ApiObject = {
      id: r.id,
      node_id: nodeId('Repository', r.id),
      name: r.name,
      full_name: `${r.owner}/${r.name}`,
      owner,
      private: r.private,
      html_url: html,
      description: r.description,
      fork: false,
      url: u,
      archive_url: `${u}/{archive_format}{/ref}`,
      assignees_url: `${u}/assignees{/user}`,
      blobs_url: `${u}/git/blobs{/sha}`,
      branches_url: `${u}/branches{/branch}`,
      collaborators_url: `${u}/collaborators{/collaborator}`,
      comments_url: `${u}/comments{/number}`,
      commits_url: `${u}/commits{/sha}`,
      compare_url: `${u}/compare/{base}...{head}`,
      contents_url: `${u}/contents/{+path}`,
      contributors_url: `${u}/contributors`,
      deployments_url: `${u}/deployments`,
      downloads_url: `${u}/downloads`,
      events_url: `${u}/events`,
      forks_url: `${u}/forks`,
      git_commits_url: `${u}/git/commits{/sha}`,
      git_refs_url: `${u}/git/refs{/sha}`,
      git_tags_url: `${u}/git/tags{/sha}`,
      git_url: `git://${host}/${r.owner}/${r.name}.git`,
      issue_comment_url: `${u}/issues/comments{/number}`,
      issue_events_url: `${u}/issues/events{/number}`,
      issues_url: `${u}/issues{/number}`,
      keys_url: `${u}/keys{/key_id}`,
      labels_url: `${u}/labels{/name}`,
      languages_url: `${u}/languages`,
      merges_url: `${u}/merges`,
      milestones_url: `${u}/milestones{/number}`,
      notifications_url: `${u}/notifications{?since,all,participating}`,
      pulls_url: `${u}/pulls{/number}`,
      releases_url: `${u}/releases{/id}`,
      ssh_url: `git@${host}:${r.owner}/${r.name}.git`,
      stargazers_url: `${u}/stargazers`,
      statuses_url: `${u}/statuses/{sha}`,
      subscribers_url: `${u}/subscribers`,
      subscription_url: `${u}/subscription`,
      tags_url: `${u}/tags`,
      teams_url: `${u}/teams`,
      trees_url: `${u}/git/trees{/sha}`,
      clone_url: `${html}.git`,
      mirror_url: null,
      hooks_url: `${u}/hooks`,
      svn_url: html,
      homepage: null,
      language: 'TypeScript',
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 108,
      default_branch: r.defaultBranch,
      open_issues_count: openIssues,
      open_issues: openIssues,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: r.private ? 'private' : 'public',
      pushed_at: r.pushedAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
      allow_rebase_merge: true,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
    };
    if (opts.full) {
      obj.network_count = 0;
      obj.subscribers_count = 1;
    }
    return obj;
  }

  private pullUrls(r: RepoRecord, p: PullRecord): ApiObject {
    const u = this.repoUrl(r);
    const html = `${this.htmlBase}/${r.owner}/${r.name}/pull/${p.number}`;
    return {
      url: `${u}/pulls/${p.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${u}/issues/${p.number}`,
      commits_url: `${u}/pulls/${p.number}/commits`,
      review_comments_url: `${u}/pulls/${p.number}/comments`,
      review_comment_url: `${u}/pulls/comments{/number}`,
      comments_url: `${u}/issues/${p.number}/comments`,
      statuses_url: `${u}/statuses/${p.head.sha}`,
    };
  }

  /** `pull-request-simple` (list). */
  pullRequestSimple(r: RepoRecord, p: PullRecord): ApiObject {
    const urls = this.pullUrls(r, p);
    const repo = this.repository(r);
    const owner = this.userByLogin(r.owner);
    const link = (href: unknown) => ({ href: String(href) });
    return {
      ...urls,
      id: p.id,
      node_id: nodeId('PullRequest', p.id),
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.userByLogin(p.user),
      body: p.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: p.merged ? p.head.sha : null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${r.owner}:${p.head.ref}`, ref: p.head.ref, sha: p.head.sha, user: owner, repo },
      base: { label: `${r.owner}:${p.base.ref}`, ref: p.base.ref, sha: p.base.sha, user: owner, repo },
      _links: {
        self: link(urls.url),
        html: link(urls.html_url),
        issue: link(urls.issue_url),
        comments: link(urls.comments_url),
        review_comments: link(urls.review_comments_url),
        review_comment: link(urls.review_comment_url),
        commits: link(urls.commits_url),
        statuses: link(urls.statuses_url),
      },
      author_association: p.user.toLowerCase() === r.owner.toLowerCase() ? 'OWNER' : 'CONTRIBUTOR',
      auto_merge: null,
      draft: p.draft,
    };
  }

  /** `pull-request` (single). */
  pullRequest(r: RepoRecord, p: PullRecord): ApiObject {
    return {
      ...this.pullRequestSimple(r, p),
      merged: p.merged,
      mergeable: p.state === 'open' ? true : null,
      rebaseable: p.state === 'open' ? true : null,
      mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
      merged_by: p.merged ? this.userByLogin(r.owner) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 10,
      deletions: 2,
      changed_files: 1,
    };
  }

  simpleCommitStatus(r: RepoRecord, s: StatusRecord, sha: string): ApiObject {
    const creator = this.state.ensureUser(s.creator);
    return {
      url: `${this.repoUrl(r)}/statuses/${sha}`,
      avatar_url: `${this.htmlBase}/avatars/u/${creator.id}?v=4`,
      id: s.id,
      node_id: nodeId('StatusContext', s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      required: false,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    };
  }

  /** Combined status: latest status per context; failure/error > pending > success; none → pending. */
  combinedStatus(r: RepoRecord, sha: string, page: { perPage: number; page: number }): ApiObject {
    const all = r.statuses.get(sha) ?? [];
    const latest = new Map<string, StatusRecord>();
    for (const s of all) latest.set(s.context, s);
    const statuses = [...latest.values()];
    const states = statuses.map((s) => s.state);
    let state: CommitState = 'pending';
    if (states.some((s) => s === 'failure' || s === 'error')) state = 'failure';
    else if (states.some((s) => s === 'pending')) state = 'pending';
    else if (states.length > 0) state = 'success';
    const start = (page.page - 1) * page.perPage;
    return {
      state,
      statuses: statuses.slice(start, start + page.perPage).map((s) => this.simpleCommitStatus(r, s, sha)),
      sha,
      total_count: statuses.length,
      repository: this.repository(r),
      commit_url: `${this.repoUrl(r)}/commits/${sha}`,
      url: `${this.repoUrl(r)}/commits/${sha}/status`,
    };
  }

  /** The GitHub Actions app as `nullable-integration`. */
  actionsApp(): ApiObject {
    const owner = this.userByLogin('github');
    return {
      id: 15368,
      slug: 'github-actions',
      node_id: 'MDM6QXBwMTUzNjg=',
      client_id: 'Iv1.05c79e9ad1f6bdfa',
      owner,
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: `${this.htmlBase}/features/actions`,
      html_url: `${this.htmlBase}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2019-12-10T19:04:12Z',
      permissions: { actions: 'write', checks: 'write', contents: 'write', deployments: 'write', metadata: 'read', statuses: 'write' },
      events: ['check_run', 'check_suite', 'deployment', 'push', 'workflow_dispatch'],
    };
  }

  checkRun(r: RepoRecord, c: CheckRunRecord): ApiObject {
    const u = `${this.repoUrl(r)}/check-runs/${c.id}`;
    return {
      id: c.id,
      head_sha: c.headSha,
      node_id: nodeId('CheckRun', c.id),
      external_id: c.externalId ?? '',
      url: u,
      html_url: `${this.htmlBase}/${r.owner}/${r.name}/runs/${c.id}`,
      details_url: c.detailsUrl ?? `${this.htmlBase}/${r.owner}/${r.name}/actions/runs/${c.id}/job/${c.id}`,
      status: c.status,
      conclusion: c.conclusion,
      started_at: c.startedAt,
      completed_at: c.completedAt,
      output: {
        title: c.outputTitle,
        summary: c.outputSummary,
        text: null,
        annotations_count: 0,
        annotations_url: `${u}/annotations`,
      },
      name: c.name,
      check_suite: { id: c.id + 500000 },
      app: this.actionsApp(),
      pull_requests: [],
    };
  }

  shortBranch(r: RepoRecord, b: { name: string; sha: string; protected: boolean }): ApiObject {
    return {
      name: b.name,
      commit: { sha: b.sha, url: `${this.repoUrl(r)}/commits/${b.sha}` },
      protected: b.protected,
    };
  }

  tag(r: RepoRecord, t: { name: string; sha: string }): ApiObject {
    const u = this.repoUrl(r);
    return {
      name: t.name,
      commit: { sha: t.sha, url: `${u}/commits/${t.sha}` },
      zipball_url: `${u}/zipball/refs/tags/${encodeURIComponent(t.name)}`,
      tarball_url: `${u}/tarball/refs/tags/${encodeURIComponent(t.name)}`,
      node_id: nodeId('Ref', t.name.length * 7919 + r.id),
    };
  }
}
