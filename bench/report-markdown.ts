import type { Goal, GoalResult } from './goals.js';
import type { BenchReport } from './report.js';
import type { ScenarioSummary, TargetSummary } from './summarize.js';
import {
  GATEWAY_TARGETS,
  isGateway,
  TARGETS,
  type GatewayTarget,
  type Spread,
  type TargetName,
} from './types.js';

/** A number for a table cell; a dash for what was not measured. */
export function fmt(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** `median (min–max)`, or just the median when every run agreed or there was one. */
export function fmtSpread(s: Spread | undefined, digits = 2): string {
  if (!s || !Number.isFinite(s.median)) return '–';
  if (s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

const signed = (v: number, digits = 2) =>
  Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(digits)}` : '–';

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const STATUS = { pass: '✅', fail: '❌', skip: '⏭' } as const;

const goalCell = (r: GoalResult | undefined) =>
  r ? `${r.value} ${STATUS[r.status]}${r.note ? ` (${r.note})` : ''}` : '–';

/** One measured column per Switchyard layout judged, so layouts read side by side. */
function goalsTable(goals: readonly Goal[]): string {
  const layouts = GATEWAY_TARGETS.filter((l) => goals.some((g) => g.results[l] !== undefined));
  return table(
    ['target', 'goal', ...layouts.map((l) => `measured (${l})`)],
    goals.map((g) => [g.name, g.goal, ...layouts.map((l) => goalCell(g.results[l]))]),
  );
}

function scenarioRows(s: ScenarioSummary): string[][] {
  return TARGETS.flatMap((target) => {
    const t = s.targets[target];
    if (!t) return [];
    const gw = isGateway(target) ? s.gateways[target] : undefined;
    return [
      [
        target === 'direct' ? s.scenario.title : '',
        target,
        fmtSpread(t.rps, 0),
        fmtSpread(t.latencyMs.p50),
        fmtSpread(t.latencyMs.p90),
        fmtSpread(t.latencyMs.p99),
        t.timeouts > 0 ? `${t.errors} (+${t.timeouts} timeouts)` : String(t.errors),
        gw ? `${signed(gw.addedMs.vsDirect.p50)} / ${signed(gw.addedMs.vsDirect.p99)}` : '',
        gw ? `${signed(gw.addedMs.vsBaseline.p50)} / ${signed(gw.addedMs.vsBaseline.p99)}` : '',
        gw ? `${fmt(gw.rpsRatio.vsDirect)}× / ${fmt(gw.rpsRatio.vsBaseline)}×` : '',
      ],
    ];
  });
}

function streamRows(s: ScenarioSummary): string[][] {
  return TARGETS.flatMap((target) => {
    const t = s.targets[target];
    if (!t?.ttftMs || !t.gapMs) return [];
    const added = isGateway(target) ? s.gateways[target]?.addedTtftMs : undefined;
    return [
      [
        target,
        fmtSpread(t.rps, 0),
        fmtSpread(t.ttftMs.p50),
        fmtSpread(t.ttftMs.p99),
        fmtSpread(t.gapMs.p50),
        fmtSpread(t.gapMs.p99),
        added ? `${signed(added.vsDirect.p50)} / ${signed(added.vsBaseline.p50)}` : '',
      ],
    ];
  });
}

/** CPU µs per request: each process in the Switchyard runs, then each target's whole-machine total. */
function cpuTable(scenarios: readonly ScenarioSummary[], idle: Record<string, number>): string {
  const processes = new Set<string>();
  /** Which Switchyard's runs a process belongs to: the co-located target's processes are its own. */
  const owner = new Map<string, GatewayTarget>();
  for (const target of GATEWAY_TARGETS)
    for (const s of scenarios)
      for (const name of Object.keys(s.targets[target]?.cpuUsPerRequest ?? {})) {
        if (name === 'loadgen' || owner.has(name)) continue;
        owner.set(name, target);
        processes.add(name);
      }
  const cell = (t: TargetSummary | undefined, name: string) => fmt(t?.cpuUsPerRequest[name], 0);
  // The load generator is the client, not part of any target: left out of the totals.
  const total = (t: TargetSummary | undefined) =>
    t
      ? Object.entries(t.cpuUsPerRequest)
          .filter(([name, v]) => name !== 'loadgen' && Number.isFinite(v))
          .reduce((sum, [, v]) => sum + v, 0)
      : NaN;
  const rows = [...processes].map((name) => [
    owner.get(name) === 'switchyard' ? name : `${name} (${owner.get(name)} runs)`,
    fmt(idle[name], 1),
    ...scenarios.map((s) => cell(s.targets[owner.get(name)!], name)),
  ]);
  rows.push([
    'baseline proxy (in baseline runs)',
    fmt(idle['baseline'], 1),
    ...scenarios.map((s) => cell(s.targets.baseline, 'baseline')),
  ]);
  for (const target of TARGETS as TargetName[])
    if (scenarios.some((s) => s.targets[target] !== undefined))
      rows.push([
        `**total, ${target} runs** (load generator excluded)`,
        '',
        ...scenarios.map((s) => fmt(total(s.targets[target]), 0)),
      ]);
  return table(
    ['process (Switchyard runs)', 'idle (CPU ms/s)', ...scenarios.map((s) => s.scenario.id)],
    rows,
  );
}

export function renderMarkdown(report: BenchReport): string {
  const { settings, machine } = report;
  const out: string[] = [];
  out.push(`# Switchyard benchmark, ${report.startedAt}`);
  out.push(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average at start ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}. ` +
      `${settings.runs} run(s) of ${settings.durationS} s per scenario and target (medians, min–max in parentheses), ` +
      `warm-up ${settings.warmupS} s, upstream delay ${settings.upstreamDelayMs} ms, ${settings.fromSource ? 'services from sources (tsx)' : 'compiled services'}.` +
      (settings.quick ? ' **Quick run: a smoke test, not a measurement.**' : ''),
  );
  out.push('## Goals');
  out.push(goalsTable(report.goals));
  out.push('## Latency and throughput');
  out.push(
    'Latency in ms; added = the Switchyard layout of that row − the other target at the same percentile; ratios are of requests/s.',
  );
  out.push(
    table(
      [
        'scenario',
        'target',
        'req/s',
        'p50',
        'p90',
        'p99',
        'errors',
        'added p50 / p99 vs direct',
        'added p50 / p99 vs baseline',
        '× direct / × baseline',
      ],
      report.scenarios.flatMap(scenarioRows),
    ),
  );
  const stream = report.scenarios.find((s) => s.scenario.mode === 'stream');
  if (stream) {
    out.push(`## Streaming (${stream.scenario.title})`);
    out.push('Time to first token (TTFT) and the gap between chunks read, ms.');
    out.push(
      table(
        [
          'target',
          'streams/s',
          'TTFT p50',
          'TTFT p99',
          'gap p50',
          'gap p99',
          'added TTFT p50 vs direct / baseline',
        ],
        streamRows(stream),
      ),
    );
  }
  out.push('## CPU time per request (µs)');
  out.push(
    'Where the time goes: each process’s CPU during a run over the requests it completed. ' +
      'Idle is the CPU a process uses with no load at all; at low request rates it is a visible part of the per-request figure.',
  );
  out.push(cpuTable(report.scenarios, report.idleCpuMsPerS));
  if (report.rss) {
    out.push(
      `## Memory over the soak (${settings.soakS} s at ${settings.soakRps} req/s through ${settings.soakTarget})`,
    );
    out.push('From a tenth into the soak on, once the heaps grown by the scenarios before it have settled.');
    out.push(
      table(
        ['process', 'RSS start (MiB)', 'RSS end (MiB)', 'max (MiB)', 'change (last fifth vs first fifth)'],
        report.rss.map((r) => [
          r.process,
          fmt(r.startMiB, 1),
          fmt(r.endMiB, 1),
          fmt(r.maxMiB, 1),
          `${signed(r.drift * 100, 1)}%`,
        ]),
      ),
    );
  }
  const notes = [
    ...report.notes,
    ...report.scenarios.flatMap((s) => s.notes.map((n) => `${s.scenario.id}: ${n}`)),
  ];
  if (notes.length > 0) {
    out.push('## Notes');
    out.push(notes.map((n) => `- ${n}`).join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}
