import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../bench/goals.js';
import type { BenchReport } from '../../bench/report.js';
import { fmtSpread, renderMarkdown } from '../../bench/report-markdown.js';
import { escapeXml, niceCeiling, renderSvg } from '../../bench/report-svg.js';
import { SCENARIOS } from '../../bench/scenarios.js';
import { readSettings } from '../../bench/settings.js';
import { summarizeScenario } from '../../bench/summarize.js';
import { TARGETS } from '../../bench/types.js';
import { pct, record } from './fixtures.js';

function report(): BenchReport {
  const runs = SCENARIOS.flatMap((s) =>
    TARGETS.map((t) =>
      record(s.id, t, 1, {
        latencyMs: pct(0.5, 1, 2),
        ...(s.mode === 'stream' ? { ttftMs: pct(0.3, 0.5, 1), gapMs: pct(NaN, NaN, NaN) } : {}),
      }),
    ),
  );
  const scenarios = SCENARIOS.map((s) => summarizeScenario(s, runs));
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20', loadAverage: [0.1, 0.1, 0.1] },
    settings: readSettings(['--quick'], {}),
    goals: evaluateGoals(scenarios, undefined),
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
    expect(md).toContain('| target | goal | measured | result |');
    for (const s of SCENARIOS) expect(md).toContain(`| ${s.title} | direct |`);
    expect(md).toContain('| switchyard | 100 | 0.30 | 1.00 | – | – | +0.00 / +0.00 |');
    expect(md).toMatch(/\| upstream \| 0\.5 \| 50 \|/);
    expect(md).toMatch(/\*\*total, switchyard runs\*\* \(load generator excluded\) \|  \| 50 \|/);
    expect(md).toContain('- a <note> & more');
    expect(md).toContain('Quick run');
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
