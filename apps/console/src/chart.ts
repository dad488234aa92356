import { h, s, table } from './dom.js';

/**
 * Charts as plain SVG: a line chart over time and a bar chart over groups. Each is a `<figure>`
 * whose caption names the image, with its numbers in a table under it for anyone not seeing it.
 * Colours come from the stylesheet (`.series-N`).
 */

export interface Series {
  name: string;
  /** One value per label; undefined leaves a gap (nothing to measure that minute). */
  values: (number | undefined)[];
}

const W = 600;
const PAD = { left: 64, right: 12, top: 10, bottom: 22 };

const figure = (id: string, title: string, ...content: (Node | null)[]): HTMLElement =>
  h(
    'figure',
    { class: 'chart', 'data-chart': id },
    h('figcaption', { id: `${id}-caption` }, title),
    ...content,
  );

const dataTable = (title: string, headers: string[], rows: string[][]): HTMLElement =>
  h('details', {}, h('summary', {}, 'Data'), table(title, headers, rows));

/**
 * A round upper bound for the y axis whose half is round too (2, 4 or 10 times a power of ten), so
 * the middle grid line of a count chart is a whole number.
 */
function ceiling(max: number): number {
  if (max <= 0) return 2;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([2, 4, 10].find((m) => m * power >= max) ?? 10) * power;
}

export function lineChart(options: {
  id: string;
  title: string;
  labels: string[];
  series: Series[];
  format: (n: number) => string;
}): HTMLElement {
  const { id, title, labels, series, format } = options;
  const H = 180;
  const top = ceiling(Math.max(0, ...series.flatMap((x) => x.values.filter((v) => v !== undefined))));
  const x = (i: number) =>
    PAD.left + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.5, 1].map((f) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(top * f), y2: y(top * f) }),
      s('text', { x: PAD.left - 6, y: y(top * f) + 4, 'text-anchor': 'end' }, format(top * f)),
    ),
  );
  const ticks = [0, Math.floor((labels.length - 1) / 2), labels.length - 1]
    .filter((i, n, all) => i >= 0 && all.indexOf(i) === n)
    .map((i) => {
      // The first and last labels stay inside the frame.
      const anchor = i === 0 ? 'start' : i === labels.length - 1 ? 'end' : 'middle';
      return s('text', { class: 'tick', x: x(i), y: H - 6, 'text-anchor': anchor }, labels[i] ?? '');
    });
  const lines = series.map((ser, n) => {
    let d = '';
    let pen = false;
    ser.values.forEach((v, i) => {
      if (v === undefined) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    // A lone point has no segment to draw: a dot shows it.
    const dots = ser.values.flatMap((v, i) =>
      v === undefined || (ser.values[i - 1] ?? ser.values[i + 1]) !== undefined
        ? []
        : [s('circle', { cx: x(i), cy: y(v), r: 3 })],
    );
    return s('g', { class: `series series-${n}` }, s('path', { d }), ...dots);
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-caption` },
    ...grid,
    ...ticks,
    ...lines,
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    ...series.map((ser, n) =>
      h('li', {}, h('span', { class: `swatch series-${n}`, 'aria-hidden': 'true' }), ser.name),
    ),
  );
  const rows = labels.map((label, i) => [
    label,
    ...series.map((ser) => (ser.values[i] === undefined ? '–' : format(ser.values[i]!))),
  ]);
  return figure(id, title, svg, legend, dataTable(title, ['Time', ...series.map((ser) => ser.name)], rows));
}

export function barChart(options: {
  id: string;
  title: string;
  bars: { label: string; value: number }[];
  format: (n: number) => string;
}): HTMLElement {
  const { id, title, bars, format } = options;
  if (bars.length === 0) return figure(id, title, h('p', { class: 'empty' }, 'No data yet.'));
  const ROW = 26;
  const H = bars.length * ROW + 4;
  const left = 140;
  const top = ceiling(Math.max(...bars.map((b) => b.value)));
  const width = (v: number) => (v / top) * (W - left - 90);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-caption` },
    ...bars.map((b, i) =>
      s(
        'g',
        { class: 'bar series-0' },
        s('text', { x: left - 8, y: i * ROW + 18, 'text-anchor': 'end' }, b.label),
        s('rect', {
          x: left,
          y: i * ROW + 5,
          width: Math.max(1, width(b.value)).toFixed(1),
          height: ROW - 8,
        }),
        s('text', { class: 'value', x: left + width(b.value) + 6, y: i * ROW + 18 }, format(b.value)),
      ),
    ),
  );
  return figure(
    id,
    title,
    svg,
    dataTable(
      title,
      ['', 'Value'],
      bars.map((b) => [b.label, format(b.value)]),
    ),
  );
}
