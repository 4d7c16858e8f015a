// The terminal reporter: live progress while scenarios run, and the summary at the end.
export { createProgress, type ProgressSink, type ProgressOptions, type ScenarioStartInfo, type TickInfo } from './progress.ts';
export { printSummary } from './summary.ts';
export { terminalOptions } from './terminalOptions.ts';
