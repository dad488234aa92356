import { api, messageOf, query } from './api.js';
import { barChart, lineChart } from './chart.js';
import { h, poll, table } from './dom.js';
import { int, minute, ms, percent, usd } from './format.js';
import { MINUTE_MS, perGroup, perMinute, sumBy, totalsOf, usageTotals, type Totals } from './stats.js';
import type { List, RequestRecord, UsageRow } from './types.js';

const WINDOW_MS = 60 * MINUTE_MS;
/** The request log answers at most this many records a query. */
const LOG_LIMIT = 1000;
const REFRESH_MS = 5_000;

const tile = (label: string, value: string) =>
  h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, value));

const groupTable = (caption: string, heading: string, groups: { group: string; totals: Totals }[]) =>
  table(
    caption,
    [heading, 'Requests', 'Errors', 'p50', 'p95', 'Tokens', 'Cost'],
    groups.map(({ group, totals: t }) => [
      group,
      int(t.requests),
      int(t.errors),
      ms(t.p50),
      ms(t.p95),
      int(t.tokens),
      usd(t.cost),
    ]),
  );

/**
 * The last hour minute by minute, from the request log; and the last 30 days by alias, from the
 * usage roll-ups (which also count cache hits and what they saved).
 */
export function mountOverview(root: HTMLElement): () => void {
  const body = h('div', { class: 'overview' }, h('p', {}, 'Loading…'));
  const status = h('p', { class: 'status', role: 'status' });
  root.append(
    h('h2', { tabindex: -1 }, 'Overview'),
    h(
      'p',
      { class: 'lede' },
      `The last hour from the request log, and the last 30 days from the usage roll-ups. Refreshed every ${REFRESH_MS / 1000} s.`,
    ),
    status,
    body,
  );

  return poll(async () => {
    const to = Date.now();
    const from = to - WINDOW_MS;
    try {
      const [log, usage] = await Promise.all([
        api<List<RequestRecord>>('GET', `/admin/requests${query({ since: from, limit: LOG_LIMIT })}`),
        api<List<UsageRow>>('GET', '/admin/usage?group_by=model'),
      ]);
      body.replaceChildren(...render(log, usage.data, from, to));
      status.textContent = log.has_more ? `Only the latest ${LOG_LIMIT} requests of the hour are shown.` : '';
    } catch (err) {
      status.textContent = `Could not load the overview: ${messageOf(err)}`;
    }
  }, REFRESH_MS);
}

function render(log: List<RequestRecord>, usage: UsageRow[], from: number, to: number): Node[] {
  const hour = totalsOf(log.data);
  const minutes = perMinute(log.data, from, to);
  const labels = minutes.map((m) => minute(m.at));
  /** A sum is 0 in a quiet minute; a latency is not measured then, and leaves a gap. */
  const count = (name: string, pick: (t: Totals) => number) => ({
    name,
    values: minutes.map((m) => pick(m.totals)),
  });
  const measure = (name: string, pick: (t: Totals) => number | undefined) => ({
    name,
    values: minutes.map((m) => (m.totals.requests === 0 ? undefined : pick(m.totals))),
  });
  const cache = usageTotals(usage);
  const alias = (r: UsageRow) => r.model ?? '(none)';
  const costPerDay = sumBy(
    usage,
    (r) => r.day,
    (r) => r.cost_usd,
  );

  return [
    h(
      'dl',
      { class: 'tiles', 'aria-label': 'Totals' },
      tile('Requests (1 h)', int(hour.requests)),
      tile('Error rate (1 h)', percent(hour.requests === 0 ? 0 : hour.errors / hour.requests)),
      tile('p50 / p95 latency (1 h)', `${ms(hour.p50)} / ${ms(hour.p95)}`),
      tile('Tokens (1 h)', int(hour.tokens)),
      tile('Cost (1 h)', usd(hour.cost)),
      tile('Cache hit rate (30 d)', percent(cache.hitRate)),
      tile('Saved by the cache (30 d)', usd(cache.savedUsd)),
    ),
    h(
      'div',
      { class: 'charts' },
      lineChart({
        id: 'requests-per-minute',
        title: 'Requests and errors per minute',
        labels,
        series: [count('Requests', (t) => t.requests), count('Errors', (t) => t.errors)],
        format: int,
      }),
      lineChart({
        id: 'latency-per-minute',
        title: 'Latency per minute (p50, p95)',
        labels,
        series: [measure('p50', (t) => t.p50), measure('p95', (t) => t.p95)],
        format: (n) => ms(n),
      }),
      lineChart({
        id: 'tokens-per-minute',
        title: 'Tokens per minute',
        labels,
        series: [count('Tokens', (t) => t.tokens)],
        format: int,
      }),
      lineChart({
        id: 'cost-per-minute',
        title: 'Cost per minute',
        labels,
        series: [count('Cost', (t) => t.cost)],
        format: usd,
      }),
      barChart({
        id: 'usage-by-alias',
        title: 'Requests by alias (30 days)',
        bars: sumBy(usage, alias, (r) => r.requests),
        format: int,
      }),
      barChart({
        id: 'cost-by-alias',
        title: 'Cost by alias (30 days)',
        bars: sumBy(usage, alias, (r) => r.cost_usd),
        format: usd,
      }),
      lineChart({
        id: 'cost-per-day',
        title: 'Cost per day (30 days)',
        labels: costPerDay.map((d) => d.label),
        series: [{ name: 'Cost', values: costPerDay.map((d) => d.value) }],
        format: usd,
      }),
    ),
    h(
      'div',
      { class: 'columns' },
      groupTable(
        'By alias (1 h)',
        'Alias',
        perGroup(log.data, (r) => r.model),
      ),
      groupTable(
        'By provider (1 h)',
        'Provider',
        perGroup(log.data, (r) => r.provider),
      ),
    ),
  ];
}
