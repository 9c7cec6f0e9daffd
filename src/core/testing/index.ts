/** Test runs: suites, running them, report parsers, and the run history with regressions and flaky tests. */
export * from './model';
export { locationFromStack, parseLocation, declaredLocation } from './location';
export { parseJUnit, parseJUnitBytes, JUnitStreamParser, JUNIT_LIMITS, DECLARED_TOTALS, SUITE_ERROR } from './junit';
export { decodeReport, createReportDecoder } from './decode';
export { parseTap, TAP_PLAN } from './tap';
export { parseMochaJson } from './mochaJson';
export { parseReport, parseReportBytes, readReportFile, isStale, assertReportFormat, MAX_WHOLE_REPORT_BYTES, STALE_REPORT_SLACK_MS, type ReadReportOptions } from './parse';
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
