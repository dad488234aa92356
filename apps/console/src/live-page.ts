import { api, messageOf, query } from './api.js';
import { field, h, poll, table } from './dom.js';
import { clock, dash, int, ms, usd } from './format.js';
import type { List, RequestRecord } from './types.js';

const REFRESH_MS = 2_000;
const TAIL = 100;

/** The request's record as label → value, every field the log keeps (never a prompt or a key). */
function details(r: RequestRecord): HTMLElement {
  const rows: [string, string][] = [
    ['Request id', r.request_id],
    ['Trace id', dash(r.trace_id)],
    ['Received', new Date(r.received_at).toISOString()],
    ['Operation', r.op],
    ['Key', dash(r.key_id)],
    ['Team', dash(r.team)],
    ['Alias', dash(r.model)],
    ['Provider', dash(r.provider)],
    ['Deployment', dash(r.deployment)],
    ['Upstream model', dash(r.upstream_model)],
    ['Stream', r.stream ? 'yes' : 'no'],
    ['Status', `${r.status}${r.error_code ? ` (${r.error_code})` : ''}`],
    ['Duration', ms(r.duration_ms)],
    ['Time to first token', ms(r.ttft_ms)],
    ['Attempts', dash(r.attempts)],
    ['Prompt tokens', dash(r.usage?.prompt_tokens)],
    ['Completion tokens', dash(r.usage?.completion_tokens)],
    ['Cached tokens', dash(r.usage?.cached_tokens)],
    ['Cost', r.cost_usd === undefined ? '–' : usd(r.cost_usd)],
    ['Response cache', dash(r.cache)],
    ['Saved by the cache', r.saved_usd === undefined ? '–' : usd(r.saved_usd)],
  ];
  return h(
    'dl',
    { class: 'record' },
    ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', { class: 'mono' }, value)]),
  );
}

/**
 * The newest requests of the log, polled every 2 s with the filters set: simple, and each poll
 * shows the log as it is (a request is logged when it ends, so a long stream appears late and in
 * its place by received time). New rows are announced, not read out one by one.
 */
export function mountLive(root: HTMLElement): () => void {
  /** `name` is the request log's query parameter. */
  const filter = (name: string, label: string, hint?: string) => {
    const input = h('input', { id: `live-${name.replace('_', '-')}`, type: 'text', autocomplete: 'off' });
    return { name, input, field: field(label, input, hint) };
  };
  const filters = [
    filter('key_id', 'Key id'),
    filter('team', 'Team'),
    filter('model', 'Alias'),
    filter('status', 'Status', '429, or a class: 5xx'),
  ];
  const announce = h('p', { id: 'live-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const tail = h('div', {}, h('p', {}, 'Loading…'));
  const detail = h('section', {
    id: 'request-detail',
    'aria-labelledby': 'request-detail-title',
    hidden: true,
  });
  const pause = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Pause');
  let paused = false;
  let seen: Set<string> | undefined;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    announce.textContent = paused ? 'Paused.' : 'Resumed.';
  });

  const open = (r: RequestRecord): void => {
    detail.hidden = false;
    const title = h('h3', { id: 'request-detail-title', tabindex: -1 }, `Request ${r.request_id}`);
    detail.replaceChildren(
      title,
      details(r),
      h('button', { type: 'button', class: 'secondary', onclick: () => (detail.hidden = true) }, 'Close'),
    );
    title.focus();
  };

  const refresh = async (): Promise<void> => {
    const params = Object.fromEntries(filters.map((f) => [f.name, f.input.value.trim()]));
    try {
      const page = await api<List<RequestRecord>>(
        'GET',
        `/admin/requests${query({ ...params, limit: TAIL })}`,
      );
      const fresh = seen === undefined ? [] : page.data.filter((r) => !seen!.has(r.request_id));
      seen = new Set(page.data.map((r) => r.request_id));
      tail.replaceChildren(render(page.data, new Set(fresh.map((r) => r.request_id)), open));
      announce.textContent =
        fresh.length > 0
          ? `${fresh.length} new request${fresh.length === 1 ? '' : 's'}.`
          : announce.textContent;
    } catch (err) {
      announce.textContent = `Could not load the request log: ${messageOf(err)}`;
    }
  };

  root.append(
    h('h2', { tabindex: -1 }, 'Live requests'),
    h(
      'p',
      { class: 'lede' },
      `The latest ${TAIL} requests, newest first, updated every ${REFRESH_MS / 1000} s. Choose a request id to see its record and trace id.`,
    ),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter requests',
        onsubmit: (event) => {
          event.preventDefault();
          seen = undefined;
          void refresh();
        },
      },
      ...filters.map((f) => f.field),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter'), pause),
    ),
    announce,
    tail,
    detail,
  );
  return poll(async () => {
    if (!paused) await refresh();
  }, REFRESH_MS);
}

function render(records: RequestRecord[], fresh: Set<string>, open: (r: RequestRecord) => void): HTMLElement {
  if (records.length === 0) return h('p', { class: 'empty' }, 'No requests match yet.');
  const t = table(
    `Requests (${records.length})`,
    ['Time', 'Request', 'Key', 'Alias', 'Deployment', 'Status', 'Latency', 'Tokens', 'Cost', 'Cache'],
    records.map((r) => [
      clock(r.received_at),
      h(
        'button',
        {
          type: 'button',
          class: 'link mono',
          'aria-label': `Open request ${r.request_id}`,
          onclick: () => open(r),
        },
        r.request_id.slice(0, 8),
      ),
      dash(r.key_id),
      dash(r.model),
      dash(r.deployment),
      h('span', { class: r.status >= 400 ? 'bad' : 'good' }, String(r.status)),
      ms(r.duration_ms),
      r.usage === undefined ? '–' : int(r.usage.total_tokens),
      r.cost_usd === undefined ? '–' : usd(r.cost_usd),
      dash(r.cache),
    ]),
    { id: 'live-table' },
  );
  t.querySelectorAll('tbody tr').forEach((row, i) => {
    if (fresh.has(records[i]!.request_id)) row.classList.add('fresh');
  });
  return t;
}
