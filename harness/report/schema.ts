// The three documents' schemas, each defined once in its own file: the probe samples
// (sampleSchema.ts), the run report (runReportSchema.ts) and the comparison (comparisonSchema.ts).
// This index only re-exports them; importers move to the file they mean.
export * from './sampleSchema.ts';
export * from './runReportSchema.ts';
export * from './comparisonSchema.ts';
export * from './suspectEvidenceSchema.ts';
