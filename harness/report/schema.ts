// The documents' schemas, each defined once in its own file: the probe samples
// (sampleSchema.ts), the run report (runReportSchema.ts), the comparison (comparisonSchema.ts) and
// the known-leaks file (knownLeaksSchema.ts).
// This index only re-exports them; importers move to the file they mean.
export * from './sampleSchema.ts';
export * from './runReportSchema.ts';
export * from './comparisonSchema.ts';
export * from './knownLeaksSchema.ts';
export * from './suspectEvidenceSchema.ts';
