import type { ScenarioSummary } from './summarize.js';
import { TARGETS } from './types.js';

const WIDTH = 960;
const PANEL_HEIGHT = 200;
const TOP = 50;
const LEFT = 60;
const PERCENTILES = ['p50', 'p90', 'p99'] as const;
const COLORS = { p50: '#4c78a8', p90: '#f58518', p99: '#e45756' };

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** The smallest 1, 2 or 5 × 10^n at or above `value`, so axes end on a round number. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const label = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function panel(s: ScenarioSummary, y0: number): string[] {
  const parts: string[] = [];
  const plotHeight = PANEL_HEIGHT - 70;
  const plotWidth = WIDTH - LEFT - 20;
  const targets = TARGETS.filter((t) => s.targets[t] !== undefined);
  const values = targets.flatMap((t) => PERCENTILES.map((p) => s.targets[t]?.latencyMs[p].median ?? NaN));
  const top = niceCeiling(Math.max(0, ...values.filter(Number.isFinite)));
  const baseY = y0 + 30 + plotHeight;
  const scale = (v: number) => (v / top) * plotHeight;
  parts.push(
    `<text x="${LEFT}" y="${y0 + 16}" font-weight="bold">${escapeXml(s.scenario.title)} (ms)</text>`,
  );
  parts.push(`<line x1="${LEFT}" y1="${baseY}" x2="${LEFT + plotWidth}" y2="${baseY}" stroke="#333"/>`);
  parts.push(`<line x1="${LEFT}" y1="${baseY}" x2="${LEFT}" y2="${baseY - plotHeight}" stroke="#333"/>`);
  parts.push(`<text x="${LEFT - 6}" y="${baseY - plotHeight + 4}" text-anchor="end">${label(top)}</text>`);
  parts.push(`<text x="${LEFT - 6}" y="${baseY + 4}" text-anchor="end">0</text>`);
  const groupWidth = plotWidth / Math.max(1, targets.length);
  const barWidth = Math.min(60, (groupWidth - 40) / PERCENTILES.length);
  targets.forEach((target, g) => {
    const gx = LEFT + g * groupWidth + (groupWidth - barWidth * PERCENTILES.length) / 2;
    PERCENTILES.forEach((p, i) => {
      const v = s.targets[target]?.latencyMs[p].median ?? NaN;
      if (!Number.isFinite(v)) return;
      const h = scale(v);
      const x = gx + i * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(baseY - h).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[p]}"><title>${escapeXml(`${target} ${p}: ${v} ms`)}</title></rect>`,
      );
      parts.push(
        `<text x="${(x + (barWidth - 4) / 2).toFixed(1)}" y="${(baseY - h - 3).toFixed(1)}" text-anchor="middle" font-size="10">${label(v)}</text>`,
      );
    });
    parts.push(
      `<text x="${(gx + (barWidth * PERCENTILES.length) / 2).toFixed(1)}" y="${baseY + 16}" text-anchor="middle">${target}</text>`,
    );
  });
  return parts;
}

/** Grouped bars of p50/p90/p99 per target, one panel per scenario, each on its own scale. */
export function renderSvg(title: string, scenarios: readonly ScenarioSummary[]): string {
  const height = TOP + scenarios.length * PANEL_HEIGHT;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  PERCENTILES.forEach((p, i) => {
    const x = WIDTH - 220 + i * 70;
    parts.push(`<rect x="${x}" y="12" width="12" height="12" fill="${COLORS[p]}"/>`);
    parts.push(`<text x="${x + 16}" y="22">${p}</text>`);
  });
  scenarios.forEach((s, i) => parts.push(...panel(s, TOP + i * PANEL_HEIGHT)));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
