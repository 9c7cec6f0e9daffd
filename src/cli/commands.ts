/**
 * Every command of the CLI, in the order `sdlc --help` lists them. A command without `run` is part
 * of the design but not built yet: help marks it "coming soon" and running it fails with
 * NotImplemented (exit 1).
 * Each command's module is loaded when that command runs (see load), so `sdlc repo` does not pay
 * for initializing deploy, packaging or test-report code.
 */
import type { CommandSpec } from './args';
import type * as Audit from './audit';
import type * as Bump from './bump';
import type * as Changelog from './changelog';
import type * as Deploy from './deploy';
import type * as Deployments from './deployments';
import type * as Health from './health';
import type * as Package from './package';
import type * as Release from './release';
import type * as Repo from './repo';
import type * as Test from './test';
import type { CliContext } from './context';
import { shareModules } from '../sharedModules';

/**
 * A command's module, loaded on first use. A plain require of a literal path: esbuild.mjs makes each a
 * chunk of its own (`./repo` → dist/cli-repo.js), which takes the modules dist/cli-main.js holds from it
 * (shareModules, as the extension's features chunk does); under tsx (tests) CommonJS resolution finds
 * the TypeScript file.
 */
interface CommandModules {
  audit: typeof Audit;
  bump: typeof Bump;
  changelog: typeof Changelog;
  deploy: typeof Deploy;
  deployments: typeof Deployments;
  health: typeof Health;
  package: typeof Package;
  release: typeof Release;
  repo: typeof Repo;
  test: typeof Test;
}

function load<K extends keyof CommandModules>(name: K): CommandModules[K] {
  type T = CommandModules[K];
  shareModules();
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (name) {
    case 'audit':
      return require('./audit') as T;
    case 'bump':
      return require('./bump') as T;
    case 'changelog':
      return require('./changelog') as T;
    case 'deploy':
      return require('./deploy') as T;
    case 'deployments':
      return require('./deployments') as T;
    case 'health':
      return require('./health') as T;
    case 'package':
      return require('./package') as T;
    case 'release':
      return require('./release') as T;
    case 'repo':
      return require('./repo') as T;
    case 'test':
      return require('./test') as T;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export const COMMANDS: ReadonlyArray<CommandSpec<CliContext>> = [
  {
    name: 'repo',
    summary: 'Show the repository: HEAD, upstream ahead/behind, branches, tags, remotes, working-tree changes.',
    options: {},
    run: (context) => load('repo').repoCommand(context),
  },
  {
    name: 'bump',
    summary: 'Bump the version (default: the bump recommended by conventional commits), write the changelog, commit and tag.',
    args: '[auto|major|minor|patch|prerelease|X.Y.Z]',
    maxPositionals: 1,
    options: {
      preid: { type: 'string', value: 'ID', description: 'Prerelease identifier, e.g. rc.' },
      package: { type: 'string', value: 'DIR', description: 'The package to bump (a folder of `packages`).' },
      'dry-run': { type: 'boolean', description: 'Show what would change; change nothing.' },
      push: { type: 'boolean', description: 'Push the commit and the tag.' },
      recover: { type: 'boolean', description: 'Only finish or undo a change that was interrupted (crash, kill -9), then stop.' },
    },
    run: (context, args) => load('bump').bumpCommand(context, args),
  },
  {
    name: 'changelog',
    summary: 'Changelog of the commits between two refs (default: last release tag..HEAD).',
    options: {
      from: { type: 'string', value: 'REF', description: 'Start (exclusive).' },
      to: { type: 'string', value: 'REF', description: 'End (inclusive), default HEAD.' },
      package: { type: 'string', value: 'DIR', description: 'Only the commits of this package folder, from its own last release tag.' },
    },
    run: (context, args) => load('changelog').changelogCommand(context, args),
  },
  {
    name: 'test',
    summary: 'Run the configured test suites, or parse an existing report.',
    options: {
      suite: { type: 'string', value: 'NAME', description: 'Run only this suite.' },
      kind: { type: 'string', value: 'KIND', description: 'Run only suites of this kind (unit, integration, regression, security, acceptance).' },
      report: { type: 'string', value: 'FILE', description: 'Parse this report instead of running anything.' },
      format: { type: 'string', value: 'FORMAT', description: 'Format of --report: junit, tap or mocha-json.' },
    },
    run: (context, args) => load('test').testCommand(context, args),
  },
  {
    name: 'package',
    summary: 'Build the configured package targets; list artifacts with size and sha256.',
    options: {
      target: { type: 'string', value: 'NAME', description: 'Build only this target.' },
      'from-tag': { type: 'string', value: 'TAG', description: 'Build from TAG in a temporary git worktree (exactly the tagged source).' },
      'check-reproducible': { type: 'boolean', description: 'Build twice in two clean worktrees and compare sha256 (exit 1 if they differ).' },
      out: { type: 'string', value: 'DIR', description: 'Artifacts folder (default <git dir>/sdlc/packages).' },
      platform: { type: 'string', multiple: true, value: 'OS/ARCH', description: 'Go targets: build for GOOS/GOARCH (repeatable; default the host).' },
    },
    run: (context, args) => load('package').packageCommand(context, args),
  },
  {
    name: 'release',
    summary: 'Publish a GitHub Release from a tag with notes and assets (pull deployment).',
    options: {
      tag: { type: 'string', value: 'TAG', description: 'The tag to release.' },
      asset: { type: 'string', multiple: true, value: 'FILE', description: 'Attach FILE (repeatable).' },
      draft: { type: 'boolean', description: 'Create a draft release.' },
      prerelease: { type: 'boolean', description: 'Mark the release as a prerelease.' },
      latest: { type: 'boolean', description: 'Mark it as the latest release.' },
      'not-latest': { type: 'boolean', description: 'Do not mark it as the latest release.' },
      'notes-file': { type: 'string', value: 'FILE', description: 'Release notes (Markdown); default the tag\'s CHANGELOG section, else GitHub\'s generated notes.' },
      replace: { type: 'boolean', description: 'Replace assets of a published release that have the same name and other content.' },
      'on-failure': { type: 'string', value: 'keep|delete', description: 'A draft created by a failed run: keep it to resume (default) or delete it.' },
    },
    run: (context, args) => load('release').releaseCommand(context, args),
  },
  {
    name: 'deploy',
    summary: 'Deploy a ref/version to an environment with a strategy.',
    options: {
      env: { type: 'string', value: 'NAME', description: 'The environment.' },
      ref: { type: 'string', value: 'REF', description: 'What to deploy (tag, branch or sha).' },
      strategy: { type: 'string', value: 'TYPE', description: 'big-bang or phased (default: the environment\'s; continuous delivery is a watch in the editor, pull deployment is sdlc release).' },
      yes: { type: 'boolean', description: 'Confirm deploying to a protected environment (also approves the approval gates of a phased rollout).' },
      reason: { type: 'string', value: 'TEXT', description: 'Why (recorded in the audit log); needed to override a freeze window.' },
      force: { type: 'boolean', description: 'Deploy even though a deployment of the environment is in progress.' },
      input: { type: 'string', multiple: true, value: 'KEY=VALUE', description: 'A workflow_dispatch input of the deploy workflow (repeatable), checked against its type.' },
      rollback: { type: 'boolean', description: 'Redeploy the last successful ref of the environment (instead of --ref).' },
      promote: { type: 'boolean', description: 'Deploy the ref deployed in the previous environment of "promotion" (instead of --ref).' },
    },
    run: (context, args) => load('deploy').deployCommand(context, args),
  },
  {
    name: 'deployments',
    summary: 'Deployments per environment: what is deployed, status, history.',
    options: { env: { type: 'string', value: 'NAME', description: 'Only this environment.' } },
    run: (context, args) => load('deployments').deploymentsCommand(context, args),
  },
  {
    name: 'health',
    summary: 'Probe the health checks of the environments once (exit 1 when one is unhealthy).',
    options: { env: { type: 'string', value: 'NAME', description: 'Only this environment.' } },
    run: (context, args) => load('health').healthCommand(context, args),
  },
  {
    name: 'audit verify',
    summary: 'Check the audit log: every entry unchanged, none removed or reordered; print its head hash (exit 1 if not).',
    options: {
      file: { type: 'string', value: 'FILE', description: 'Verify FILE instead of the repository\'s audit log.' },
      'expect-head': { type: 'string', value: 'HASH', description: 'Fail unless the entry with this hash (the head printed last time) is still in the log, intact.' },
      'min-entries': { type: 'string', value: 'N', description: 'Fail unless the log holds at least N entries (catches an emptied or deleted log).' },
    },
    run: (context, args) => load('audit').auditVerifyCommand(context, args),
  },
  {
    name: 'audit record',
    summary: 'Record an action done outside the tool (e.g. a manual change) in the audit log.',
    options: {
      action: { type: 'string', value: 'AREA.VERB', description: 'What was done, e.g. deploy.manual.' },
      subject: { type: 'string', multiple: true, value: 'KEY=VALUE', description: 'What it was done to, stored as the entry\'s target (repeatable).' },
      result: { type: 'string', value: 'RESULT', description: 'success (default) or failure.' },
      message: { type: 'string', value: 'TEXT', description: 'A note; for a failure, what went wrong.' },
      file: { type: 'string', value: 'FILE', description: 'Append to FILE instead of the repository\'s audit log.' },
    },
    run: (context, args) => load('audit').auditRecordCommand(context, args),
  },
];
