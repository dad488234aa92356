/** One deployment an alias may send a request to. */
export interface Candidate {
  /** The deployment's id, as headers and events name it. */
  deployment: string;
  provider: string;
  upstreamModel: string;
  /** Calls each worker lets through to it at once (`max_concurrency`); undefined: no limit. */
  maxConcurrency: number | undefined;
  /** Relative share under `weighted`; default 1. */
  weight: number;
  /** Lower first under `priority`; default 0. */
  priority: number;
}

export interface LatencyStats {
  /** Moving averages, in ms; absent until a completion taught one. */
  ttftMs?: number;
  durationMs?: number;
}

/** What a strategy may look at besides the candidates; all of it in memory. */
export interface StrategyContext {
  /** Uniform in [0, 1); seeded in tests. */
  random(): number;
  /** How many picks this alias has had before this one (round-robin's turn). */
  turn: number;
  /** Whether the caller streams: least-latency then weighs time to first token. */
  stream: boolean;
  inFlight(deployment: string): number;
  latency(deployment: string): LatencyStats | undefined;
  /** USD per million input and output tokens; undefined when unknown. */
  price(candidate: Candidate): { input: number; output: number } | undefined;
}

/** Picks one of a non-empty list of healthy candidates, listed in config order. */
export type Strategy = (candidates: readonly Candidate[], ctx: StrategyContext) => Candidate;
