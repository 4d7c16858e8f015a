// What the runner tells whoever shows progress (the terminal reporter implements it).
import type { Phase } from '../report/sampleSchema.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';

export interface ProgressSink {
  scenarioStart(info: { name: string; file: string; total: number | null; durationMs: number | null }): void;
  tick(info: { name: string; phase: Phase; iteration: number; total: number | null; elapsedMs: number; rss: number | null; sockets: number | null; note?: string }): void;
  scenarioEnd(s: ScenarioReport): void;
}
