import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../bench/goals.js';
import type { BenchReport } from '../../bench/report.js';
import { fmtSpread, renderMarkdown } from '../../bench/report-markdown.js';
import { escapeXml, niceCeiling, renderSvg } from '../../bench/report-svg.js';
import { SCENARIOS } from '../../bench/scenarios.js';
import { readSettings } from '../../bench/settings.js';
import { summarizeScenario } from '../../bench/summarize.js';
import { DEFAULT_TARGETS, TARGETS, type LoadResult, type TargetName } from '../../bench/types.js';
import { pct, record } from './fixtures.js';

/** Every scenario run once against each of `targets`, with `over` changing some targets' numbers. */
function report(
  targets: readonly TargetName[] = TARGETS,
  over: Partial<Record<TargetName, Partial<LoadResult>>> = {},
): BenchReport {
  const runs = SCENARIOS.flatMap((s) =>
    targets.map((t) =>
      record(s.id, t, 1, {
        latencyMs: pct(0.5, 1, 2),
        ...(s.mode === 'stream' ? { ttftMs: pct(0.3, 0.5, 1), gapMs: pct(NaN, NaN, NaN) } : {}),
        ...over[t],
      }),
    ),
  );
  const scenarios = SCENARIOS.map((s) => summarizeScenario(s, runs));
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20', loadAverage: [0.1, 0.1, 0.1] },
    settings: readSettings(['--quick'], {}),
    goals: evaluateGoals(scenarios, undefined, 'switchyard'),
    scenarios,
    idleCpuMsPerS: { upstream: 0.5 },
    runs,
    notes: ['a <note> & more'],
  };
}

/** Checks tags open and close in order: enough to catch the mistakes a string-built SVG can make. */
function expectWellFormed(xml: string): void {
  const stack: string[] = [];
  for (const [, closing, name, , selfClosing] of xml.matchAll(
    /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g,
  )) {
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(stack).toEqual([]);
  // Every & starts an entity, and no < is left outside a tag.
  expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  expect(xml.replace(/<\/?[a-zA-Z][^>]*>/g, '')).not.toMatch(/[<>]/);
}

describe('bench report', () => {
  it('shows a median with its range, or just the median when runs agreed', () => {
    expect(fmtSpread({ median: 1.234, min: 1, max: 2 })).toBe('1.23 (1.00–2.00)');
    expect(fmtSpread({ median: 3, min: 3, max: 3 }, 0)).toBe('3');
    expect(fmtSpread({ median: NaN, min: NaN, max: NaN })).toBe('–');
  });

  it('renders the goals, every scenario and target, streaming, CPU and notes as markdown tables', () => {
    const md = renderMarkdown(report());
    expect(md).toContain(
      '| target | goal | measured (switchyard) | measured (colocated) | measured (single) |',
    );
    for (const s of SCENARIOS) expect(md).toContain(`| ${s.title} | direct |`);
    for (const layout of ['switchyard', 'colocated', 'single'])
      expect(md).toContain(`| ${layout} | 100 | 0.30 | 1.00 | – | – | +0.00 / +0.00 |`);
    expect(md).toMatch(/\| upstream \| 0\.5 \| 50 \|/);
    expect(md).toMatch(/\*\*total, switchyard runs\*\* \(load generator excluded\) \|  \| 50 \|/);
    expect(md).toContain('- a <note> & more');
    expect(md).toContain('Quick run');
  });

  it('gives a run of Switchyard alone one measured column, value and verdict in each cell', () => {
    const md = renderMarkdown(report(DEFAULT_TARGETS));
    expect(md).toContain('| target | goal | measured (switchyard) |\n| --- | --- | --- |');
    expect(md).toContain('| Throughput at 64 connections | ≥ 3,000 req/s | 100 req/s ❌ |');
    expect(md).toContain('| 500 req/s added p50 | ≤ 0.5 ms over direct | 0.00 ms ✅ |');
    expect(md).toContain(
      '| RSS flat over the soak | ± 10% for every process | n/a ⏭ (soak skipped (BENCH_SOAK_S=0)) |',
    );
    expect(md).not.toContain('measured (single)');
  });

  it('judges and compares each layout on its own numbers, side by side', () => {
    const md = renderMarkdown(
      report(['direct', 'baseline', 'switchyard', 'single'], {
        direct: { rps: 10_000 },
        baseline: { rps: 9000 },
        switchyard: { rps: 2000, latencyMs: pct(1.5, 2, 4) },
        single: { rps: 4500, latencyMs: pct(0.7, 1, 2.5) },
      }),
    );
    expect(md).toContain('| target | goal | measured (switchyard) | measured (single) |');
    expect(md).toContain(
      '| Throughput at 64 connections | ≥ 3,000 req/s | 2,000 req/s ❌ | 4,500 req/s ✅ |',
    );
    expect(md).toContain('| 500 req/s added p50 | ≤ 0.5 ms over direct | 1.00 ms ❌ | 0.20 ms ✅ |');
    // The soak went through switchyard: the single layout has no RSS verdict.
    expect(md).toMatch(/\| RSS flat over the soak \| ± 10% for every process \| n\/a ⏭ [^|]*\| – \|/);
    expect(md).toContain(
      '|  | single | 4500 | 0.70 | 1.00 | 2.50 | 0 | +0.20 / +0.50 | +0.20 / +0.50 | 0.45× / 0.50× |',
    );
    expect(md).toContain(
      '|  | switchyard | 2000 | 1.50 | 2.00 | 4.00 | 0 | +1.00 / +2.00 | +1.00 / +2.00 | 0.20× / 0.22× |',
    );
  });

  it('writes a well-formed SVG chart with escaped text', () => {
    const svg = renderSvg('p50 < p99 & "quotes"', report().scenarios);
    expectWellFormed(svg);
    expect(svg).toContain('p50 &lt; p99 &amp; &quot;quotes&quot;');
    expect(svg.match(/<rect [^>]*fill="#4c78a8"><title>/g)).toHaveLength(SCENARIOS.length * TARGETS.length);
  });

  it('escapes XML and rounds axes up to 1, 2 or 5 × 10^n', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(niceCeiling(0.37)).toBe(0.5);
    expect(niceCeiling(1.2)).toBe(2);
    expect(niceCeiling(700)).toBe(1000);
    expect(niceCeiling(0)).toBe(1);
  });
});
