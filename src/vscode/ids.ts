/**
 * Every command, view and context-key id of the extension, in one place. `npm run lint` compares
 * these with package.json (test/harness/check-contributions.mjs) so a rename cannot break a menu.
 */
export const ViewIds = {
  container: 'sdlc',
  repositories: 'sdlc.repositories',
  testRuns: 'sdlc.testRuns',
  versions: 'sdlc.versions',
  packages: 'sdlc.packages',
  deployments: 'sdlc.deployments',
} as const;

export const CommandIds = {
  showLog: 'sdlc.showLog',
  signIn: 'sdlc.github.signIn',
  signInWithToken: 'sdlc.github.signInWithToken',
  signOut: 'sdlc.github.signOut',
  refresh: 'sdlc.repositories.refresh',
  fetch: 'sdlc.repositories.fetch',
  pull: 'sdlc.repositories.pull',
  push: 'sdlc.repositories.push',
  checkout: 'sdlc.repositories.checkout',
  createBranch: 'sdlc.repositories.createBranch',
  deleteBranch: 'sdlc.repositories.deleteBranch',
  createTag: 'sdlc.repositories.createTag',
  pushTag: 'sdlc.repositories.pushTag',
  openOnGitHub: 'sdlc.repositories.openOnGitHub',
  copySha: 'sdlc.repositories.copySha',
  loadMoreCommits: 'sdlc.repositories.loadMoreCommits',
  openCommit: 'sdlc.repositories.openCommit',
  testRunsRefresh: 'sdlc.testRuns.refresh',
  testRunsRunSuite: 'sdlc.testRuns.runSuite',
  testRunsRunAll: 'sdlc.testRuns.runAll',
  testRunsRerunFailed: 'sdlc.testRuns.rerunFailed',
  testRunsCancel: 'sdlc.testRuns.cancel',
  testRunsOpenFailure: 'sdlc.testRuns.openFailure',
  testRunsClearHistory: 'sdlc.testRuns.clearHistory',
  testRunsConfigure: 'sdlc.testRuns.configure',
  refreshVersions: 'sdlc.versions.refresh',
  bumpVersion: 'sdlc.versions.bump',
  ciRefresh: 'sdlc.ci.refresh',
  ciRerunFailedJobs: 'sdlc.ci.rerunFailedJobs',
  ciRerun: 'sdlc.ci.rerun',
  ciCancel: 'sdlc.ci.cancel',
  ciOpenJobLog: 'sdlc.ci.openJobLog',
  ciDownloadArtifact: 'sdlc.ci.downloadArtifact',
  ciImportArtifact: 'sdlc.ci.importArtifact',
  ciOpenRun: 'sdlc.ci.openRun',
  packagesRefresh: 'sdlc.packages.refresh',
  packagesBuild: 'sdlc.packages.build',
  packagesPublish: 'sdlc.packages.publish',
  packagesDownload: 'sdlc.packages.download',
  packagesDeleteArtifact: 'sdlc.packages.deleteArtifact',
  packagesDeleteRelease: 'sdlc.packages.deleteRelease',
  packagesDeleteAsset: 'sdlc.packages.deleteAsset',
  packagesCopyChecksum: 'sdlc.packages.copyChecksum',
  packagesReveal: 'sdlc.packages.reveal',
  deploymentsRefresh: 'sdlc.deployments.refresh',
  deploymentsDeploy: 'sdlc.deployments.deploy',
  deploymentsApprove: 'sdlc.deployments.approve',
  deploymentsReject: 'sdlc.deployments.reject',
  deploymentsRollback: 'sdlc.deployments.rollback',
  deploymentsPromote: 'sdlc.deployments.promote',
  deploymentsCompare: 'sdlc.deployments.compare',
  deploymentsToggleContinuous: 'sdlc.deployments.toggleContinuous',
  deploymentsCheckHealth: 'sdlc.deployments.checkHealth',
} as const;

/** Internal commands (tree-item click targets, test hooks): registered, hidden from the palette. */
export const InternalCommandIds = {
  /** Returns the tree's model for tests: `{ state, repositories: [...] }`. */
  inspect: 'sdlc.repositories._inspect',
  /** CI runs of a repository's branch for tests: `{ branch, state, polling, runs, notifications }`. */
  ciInspect: 'sdlc.ci._inspect',
  /** Returns the Test Runs tree for tests: `{ state, items: [...] }`. */
  testRunsInspect: 'sdlc.testRuns._inspect',
  /** The Versions tree as plain data for tests: `{ state, items }`. */
  inspectVersions: 'sdlc.versions._inspect',
  /** The Packages tree as plain data for tests: `{ state, items }`. */
  inspectPackages: 'sdlc.packages._inspect',
  /** The Deployments tree as plain data for tests: `{ pending, items }`. */
  inspectDeployments: 'sdlc.deployments._inspect',
  /** The History row "Load older deployments…": `{ repository, environment }` → how many were added. */
  loadMoreDeployments: 'sdlc.deployments._loadMore',
} as const;

/**
 * The Versions and Test Runs/CI features live in the lazily loaded chunk (src/featuresBundle.ts):
 * every command id under these prefixes is registered at activation as a stub that loads it.
 */
export const LAZY_COMMAND_PREFIXES = ['sdlc.versions.', 'sdlc.testRuns.', 'sdlc.ci.', 'sdlc.packages.', 'sdlc.deployments.'] as const;

/** Document schemes of the lazily loaded features (their providers are registered at activation). */
export const RELEASE_PREVIEW_SCHEME = 'sdlc-release-preview';
export const CI_LOG_SCHEME = 'sdlc-ci-log';

export const ContextKeys = {
  /** 'loading' | 'noFolder' | 'noRepositories' | 'gitMissing' | 'ready' */
  repositoriesState: 'sdlc.repositories.state',
  /** true when the Repositories view lists one repository (its sections at the top level, its actions in the view's menu) */
  repositoriesSingle: 'sdlc.repositories.single',
  signedIn: 'sdlc.github.signedIn',
  /** 'loading' | 'noRepositories' | 'noPackages' | 'ready' */
  versionsState: 'sdlc.versions.state',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
