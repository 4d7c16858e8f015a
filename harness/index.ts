// `import { defineScenario } from 'seep'`: the scenario's types, and the report's for code that reads
// report.json. defineScenario only adds types; a plain object works as well.
export * from './scenario/types.ts';
export type * from './report/sampleSchema.ts';
export type * from './report/runReportSchema.ts';
export type * from './report/comparisonSchema.ts';
export type * from './report/knownLeaksSchema.ts';
export type * from './report/suspectEvidenceSchema.ts';
