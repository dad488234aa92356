import type { Goal } from './goals.js';
import type { Settings } from './settings.js';
import type { RssSummary, ScenarioSummary } from './summarize.js';
import type { RssSeries, RunRecord } from './types.js';

/** Everything a bench run found; written as JSON, and rendered as markdown and SVG. */
export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverage: number[] };
  settings: Settings;
  goals: Goal[];
  scenarios: ScenarioSummary[];
  /** CPU ms per second each process used before any load: what a request-count division also charges. */
  idleCpuMsPerS: Record<string, number>;
  rss?: RssSummary[];
  rssSeries?: RssSeries[];
  runs: RunRecord[];
  notes: string[];
}
