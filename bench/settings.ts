import { DEFAULT_TARGETS, GATEWAY_TARGETS, TARGETS, type GatewayTarget, type TargetName } from './types.js';

/** How a bench run is shaped; every knob is an environment variable (see bench/README.md). */
export interface Settings {
  /** Measured repetitions of each scenario per target. */
  runs: number;
  durationS: number;
  /** An unmeasured run before the first repetition of each scenario and target. */
  warmupS: number;
  /** 0 skips the soak. */
  soakS: number;
  /** The soak's fixed rate (requests/s) and the Switchyard layout it goes through. */
  soakRps: number;
  soakTarget: GatewayTarget;
  /** Seconds between RSS samples during the soak. */
  rssEveryS: number;
  quick: boolean;
  /** Run the services from their TypeScript sources instead of the compiled dist/. */
  fromSource: boolean;
  skipBuild: boolean;
  /** Services run under `--cpu-prof`, their profiles written next to the results. */
  cpuProf: string[];
  upstreamDelayMs: number;
  streamChunks: number;
  logLevel: string;
  /** Scenario ids to run; empty runs them all. */
  scenarios: string[];
  /** Targets measured, in this order within each repetition. */
  targets: TargetName[];
}

function targets(env: NodeJS.ProcessEnv): TargetName[] {
  const raw = (env['BENCH_TARGETS'] ?? '').split(',').filter(Boolean);
  if (raw.length === 0) return [...DEFAULT_TARGETS];
  const unknown = raw.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new Error(`BENCH_TARGETS: unknown target ${unknown.join(', ')} (known: ${TARGETS.join(', ')})`);
  return TARGETS.filter((t) => raw.includes(t));
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

const flag = (env: NodeJS.ProcessEnv, name: string) => env[name] === '1' || env[name] === 'true';

/** The soak goes through one Switchyard layout, which must be among the targets. */
function soakTarget(env: NodeJS.ProcessEnv): GatewayTarget {
  const raw = env['BENCH_SOAK_TARGET'] || 'switchyard';
  const target = GATEWAY_TARGETS.find((t) => t === raw);
  if (!target)
    throw new Error(`BENCH_SOAK_TARGET: ${raw} is not a Switchyard target (${GATEWAY_TARGETS.join(', ')})`);
  return target;
}

export function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Settings {
  const quick = argv.includes('--quick') || flag(env, 'BENCH_QUICK');
  const cpuProf = env['BENCH_CPU_PROF'] ?? '';
  const chosen = targets(env);
  const soakS = number(env, 'BENCH_SOAK_S', quick ? 10 : 600);
  const soakThrough = soakTarget(env);
  if (soakS > 0 && !chosen.includes(soakThrough))
    throw new Error(`BENCH_SOAK_TARGET: ${soakThrough} is not among BENCH_TARGETS (${chosen.join(', ')})`);
  return {
    // A quick run is a smoke test of the whole bench in about a minute, not a measurement.
    runs: Math.max(1, Math.round(number(env, 'BENCH_RUNS', quick ? 1 : 3))),
    durationS: number(env, 'BENCH_DURATION_S', quick ? 2 : 10),
    warmupS: number(env, 'BENCH_WARMUP_S', quick ? 1 : 3),
    soakS,
    soakRps: number(env, 'BENCH_SOAK_RPS', 500),
    soakTarget: soakThrough,
    rssEveryS: number(env, 'BENCH_RSS_EVERY_S', quick ? 1 : 5),
    quick,
    fromSource: flag(env, 'BENCH_FROM_SOURCE'),
    skipBuild: flag(env, 'BENCH_SKIP_BUILD'),
    cpuProf: cpuProf === '1' ? ['ingress'] : cpuProf.split(',').filter(Boolean),
    upstreamDelayMs: number(env, 'BENCH_UPSTREAM_DELAY_MS', 0),
    streamChunks: Math.max(1, Math.round(number(env, 'BENCH_STREAM_CHUNKS', 10))),
    logLevel: env['BENCH_LOG_LEVEL'] ?? 'info',
    scenarios: (env['BENCH_SCENARIOS'] ?? '').split(',').filter(Boolean),
    targets: chosen,
  };
}
