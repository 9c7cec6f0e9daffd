/** Test runs: suites, running them, report parsers, and the run history with regressions and flaky tests. */
export * from './model';
export { locationFromStack, parseLocation } from './location';
export { parseJUnit } from './junit';
export { parseTap } from './tap';
export { parseMochaJson } from './mochaJson';
export { parseReport, assertReportFormat } from './parse';
export { splitCommand, parseCommandLine, quoteArg, formatCommand, type CommandLine } from './command';
export { detectSuites, guessKind, TEST_KINDS, type TestKind, type TestSuite } from './suite';
export { runSuite, type RunSuiteOptions, type SuiteRunResult, type OutputStream } from './runner';
export {
  appendRun,
  createRunRecord,
  loadHistory,
  regressions,
  flaky,
  DEFAULT_HISTORY_LIMIT,
  type TestRunRecord,
  type FailedTest,
  type FlakyTest,
} from './history';
export { planRerun, detectRunner, rerunPattern, rerunTarget, onlyTargets, escapeRegExp, type RerunPlan, type RerunTarget, type FilterableRunner } from './rerun';
