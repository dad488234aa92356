// `npm run bench`: the side-by-side benchmark (see bench/README.md and docs/performance.md).
// Starts every process, runs each scenario against direct, baseline and Switchyard interleaved,
// and writes bench/results/<timestamp>.{json,md,svg}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Children, exited, type Child } from './children.js';
import { evaluateGoals } from './goals.js';
import { startNats, startRedis } from './infra.js';
import type { LoadOptions } from './loadgen.js';
import { cpuUs, rssMiB } from './proc-stats.js';
import type { BenchReport } from './report.js';
import { renderMarkdown } from './report-markdown.js';
import { renderSvg } from './report-svg.js';
import { requestBody, SCENARIOS, type Scenario } from './scenarios.js';
import { readSettings, type Settings } from './settings.js';
import { summarizeRss, summarizeScenario } from './summarize.js';
import { BENCH_KEY, LOCAL_LAYOUTS, startSwitchyard, waitUntilServing } from './switchyard.js';
import {
  type LoadResult,
  type Percentiles,
  type RssSeries,
  type RunRecord,
  type TargetName,
} from './types.js';

const root = join(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Setup {
  urls: Partial<Record<TargetName, string>>;
  /** Long-running processes, by name. */
  processes: Child[];
  /** The processes each target's requests pass through: only theirs are charged CPU for its runs. */
  pathOf: Partial<Record<TargetName, Child[]>>;
}

function build(settings: Settings): void {
  if (settings.fromSource || settings.skipBuild) return;
  log('building (npm run build)…');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    // Its output goes to stderr: stdout is the report.
    stdio: ['ignore', 2, 2],
    timeout: 600_000,
  });
  if (result.status !== 0)
    throw new Error(
      'npm run build failed; BENCH_FROM_SOURCE=1 runs the services from their TypeScript sources instead',
    );
  if (!existsSync(join(root, 'apps/switchyard/dist/main.js')))
    throw new Error('apps/switchyard/dist/main.js is missing after the build');
}

/** Starts one of the bench's own TypeScript programs (upstream, baseline, load generator). */
function spawnBenchProgram(children: Children, name: string, file: string, args: string[]): Child {
  return children.spawn(name, process.execPath, ['--import', 'tsx', join('bench', file), ...args], {
    cwd: root,
  });
}

async function setUp(children: Children, settings: Settings, profileDir: string): Promise<Setup> {
  log('starting NATS, Redis, the fake upstream and the baseline proxy…');
  const [nats, redis] = await Promise.all([startNats(children), startRedis(children)]);
  const upstream = spawnBenchProgram(children, 'upstream', 'fake-upstream.ts', [
    '--delay-ms',
    String(settings.upstreamDelayMs),
    '--chunks',
    String(settings.streamChunks),
  ]);
  const upstreamUrl = (await upstream.waitFor(/"url":"(http:[^"]+)"/))[1]!;
  const baseline = spawnBenchProgram(children, 'baseline', 'baseline-proxy.ts', ['--upstream', upstreamUrl]);
  const baselineUrl = (await baseline.waitFor(/"url":"(http:[^"]+)"/))[1]!;
  log(`starting Switchyard (${settings.fromSource ? 'from sources' : 'compiled'})…`);
  const switchyard = await startSwitchyard(children, {
    root,
    natsUrl: nats.url,
    redisUrl: redis.url,
    upstreamUrl,
    fromSource: settings.fromSource,
    cpuProf: { services: settings.cpuProf, dir: profileDir },
    logLevel: settings.logLevel,
  });
  await waitUntilServing(switchyard.url);
  const setup: Setup = {
    urls: { direct: upstreamUrl, baseline: baselineUrl, switchyard: switchyard.url },
    processes: [nats.child, redis.child, upstream, baseline, ...switchyard.processes],
    pathOf: {
      direct: [upstream],
      baseline: [upstream, baseline],
      switchyard: [nats.child, redis.child, upstream, ...switchyard.processes],
    },
  };
  for (const layout of Object.keys(LOCAL_LAYOUTS) as (keyof typeof LOCAL_LAYOUTS)[]) {
    if (!settings.targets.includes(layout)) continue;
    // Its own NATS, so that no gateway's stages take another's messages; Redis is shared.
    log(`starting Switchyard ${layout} (${LOCAL_LAYOUTS[layout].map((p) => p.args.join(' ')).join(' | ')})…`);
    const ownNats = await startNats(children, `nats-${layout}`);
    const started = await startSwitchyard(children, {
      root,
      natsUrl: ownNats.url,
      redisUrl: redis.url,
      upstreamUrl,
      fromSource: settings.fromSource,
      cpuProf: { services: settings.cpuProf, dir: profileDir },
      logLevel: settings.logLevel,
      layout,
    });
    await waitUntilServing(started.url);
    setup.urls[layout] = started.url;
    setup.processes.push(ownNats.child, ...started.processes);
    setup.pathOf[layout] = [ownNats.child, redis.child, upstream, ...started.processes];
  }
  return setup;
}

/** JSON has no NaN: percentiles nobody measured come back as null. */
function revive(p: Percentiles | undefined): Percentiles | undefined {
  if (!p) return undefined;
  const n = (v: number | null) => (v === null ? NaN : v);
  return { p50: n(p.p50), p90: n(p.p90), p99: n(p.p99), max: n(p.max) };
}

async function runLoadgen(children: Children, options: LoadOptions): Promise<LoadResult> {
  const child = spawnBenchProgram(children, 'loadgen', 'loadgen.ts', [JSON.stringify(options)]);
  const code = await exited(child, (options.durationS + 60) * 1000);
  const line = child
    .tail()
    .split('\n')
    .findLast((l) => l.startsWith('{"ok"'));
  if (code !== 0 || !line) throw new Error(`load generator failed (exit ${code}):\n${child.tail()}`);
  const result = JSON.parse(line) as LoadResult;
  return {
    ...result,
    latencyMs: revive(result.latencyMs)!,
    ttftMs: revive(result.ttftMs),
    gapMs: revive(result.gapMs),
    lagMs: revive(result.lagMs),
  };
}

function loadOptions(scenario: Scenario, url: string, durationS: number): LoadOptions {
  return {
    mode: scenario.mode,
    url: `${url}/v1/chat/completions`,
    headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
    body: requestBody(scenario.request),
    durationS,
    rate: scenario.rate,
    connections: scenario.connections,
  };
}

async function measure(
  children: Children,
  setup: Setup,
  scenario: Scenario,
  target: TargetName,
  settings: Settings,
  rep: number,
) {
  const charged = setup.pathOf[target]!;
  const before = charged.map((p) => cpuUs(p.pid));
  const load = await runLoadgen(children, loadOptions(scenario, setup.urls[target]!, settings.durationS));
  const cpuUsPerRequest: Record<string, number> = {};
  charged.forEach((p, i) => (cpuUsPerRequest[p.name] = (cpuUs(p.pid) - before[i]!) / load.ok));
  cpuUsPerRequest['loadgen'] = load.cpuUs / load.ok;
  return { scenario: scenario.id, target, rep, load, cpuUsPerRequest } satisfies RunRecord;
}

/**
 * CPU each process uses with no requests at all (heartbeats, timers), in ms per second. Taken
 * after the scenarios, a second after the last one, so start-up compilation is not counted.
 */
async function idleCpu(setup: Setup, seconds: number): Promise<Record<string, number>> {
  log(`measuring idle CPU for ${seconds} s…`);
  await new Promise((r) => setTimeout(r, 1000));
  const before = setup.processes.map((p) => cpuUs(p.pid));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return Object.fromEntries(
    setup.processes.map((p, i) => [p.name, (cpuUs(p.pid) - before[i]!) / 1000 / seconds]),
  );
}

async function soak(children: Children, setup: Setup, settings: Settings): Promise<RssSeries[]> {
  log(
    `soak: ${settings.soakS} s at ${settings.soakRps} req/s through ${settings.soakTarget}, RSS every ${settings.rssEveryS} s…`,
  );
  const series: RssSeries[] = setup.processes.map((p) => ({ process: p.name, samples: [] }));
  const start = Date.now();
  const sample = () =>
    setup.processes.forEach((p, i) => series[i]!.samples.push([(Date.now() - start) / 1000, rssMiB(p.pid)]));
  sample();
  const timer = setInterval(sample, settings.rssEveryS * 1000);
  const soakScenario = { ...SCENARIOS.find((s) => s.id === 'open-500')!, rate: settings.soakRps };
  try {
    const load = await runLoadgen(
      children,
      loadOptions(soakScenario, setup.urls[settings.soakTarget]!, settings.soakS),
    );
    log(
      `soak: ${load.ok} ok, ${load.errors} errors, ${load.timeouts} timeouts, p99 ${load.latencyMs.p99} ms`,
    );
  } finally {
    clearInterval(timer);
  }
  sample();
  return series;
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const profileDir = join(resultsDir, `${stamp}-profiles`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: loadavg(),
  };
  const scenarioList =
    settings.scenarios.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => settings.scenarios.includes(s.id));
  if (scenarioList.length === 0)
    throw new Error(`BENCH_SCENARIOS matches no scenario: ${settings.scenarios}`);
  build(settings);

  const children = new Children();
  const stopAndExit = (code: number) => void children.stopAll().finally(() => process.exit(code));
  process.once('SIGINT', () => stopAndExit(130));
  process.once('SIGTERM', () => stopAndExit(143));
  // A deadline for the whole run: whatever happens, the bench ends and takes its children with it.
  const perRun = settings.durationS + settings.warmupS / settings.runs + 5;
  const budgetS =
    300 + scenarioList.length * settings.targets.length * settings.runs * perRun + settings.soakS * 1.2;
  setTimeout(() => {
    log(`the bench ran past its ${Math.round(budgetS)} s deadline: stopping`);
    stopAndExit(1);
  }, budgetS * 1000).unref();

  try {
    const setup = await setUp(children, settings, profileDir);
    const records: RunRecord[] = [];
    const total = scenarioList.length * settings.targets.length * settings.runs;
    for (const scenario of scenarioList) {
      if (settings.warmupS > 0)
        for (const target of settings.targets)
          await runLoadgen(children, loadOptions(scenario, setup.urls[target]!, settings.warmupS));
      // Targets interleaved within each repetition, so drift in the machine's load hits them alike.
      for (let rep = 1; rep <= settings.runs; rep++)
        for (const target of settings.targets) {
          const record = await measure(children, setup, scenario, target, settings, rep);
          records.push(record);
          const { rps, latencyMs: l, errors, timeouts } = record.load;
          log(
            `[${records.length}/${total}] ${scenario.id} ${target} #${rep}: ${rps.toFixed(0)}/s ` +
              `p50 ${l.p50} p99 ${l.p99} ms, ${errors} errors, ${timeouts} timeouts`,
          );
        }
    }
    const idleCpuMsPerS = await idleCpu(setup, settings.quick ? 2 : 5);
    const rssSeries = settings.soakS > 0 ? await soak(children, setup, settings) : undefined;
    const scenarios = scenarioList.map((s) => summarizeScenario(s, records));
    const rss = rssSeries && summarizeRss(rssSeries, settings.soakS / 10);
    const notes = [
      'CPU time comes from /proc/<pid>/stat in 10 ms ticks; each process is charged only in the runs whose requests pass through it.',
    ];
    if (machine.loadAverage[0]! > machine.cpus)
      notes.push(
        `The machine was busy when the bench started (load ${machine.loadAverage[0]!.toFixed(2)} on ${machine.cpus} CPUs): numbers are noisy.`,
      );
    if (settings.cpuProf.length > 0)
      notes.push(`CPU profiles of ${settings.cpuProf.join(', ')}: ${profileDir}`);
    const report: BenchReport = {
      startedAt,
      machine,
      settings,
      goals: evaluateGoals(scenarios, rss, settings.soakTarget),
      scenarios,
      idleCpuMsPerS,
      rss,
      rssSeries,
      runs: records,
      notes,
    };
    const markdown = renderMarkdown(report);
    const base = join(resultsDir, stamp);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdown);
    writeFileSync(
      `${base}.svg`,
      renderSvg(`Switchyard benchmark ${startedAt}: latency percentiles`, scenarios),
    );
    process.stdout.write(markdown);
    log(`\nwritten: ${base}.json, .md, .svg`);
  } finally {
    await children.stopAll();
  }
}

main().catch((err: unknown) => {
  log(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
