import { Writable } from 'node:stream';
import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import {
  EVENTS_STREAM,
  Headers,
  Subjects,
  type AttemptFailed,
  type RequestCompleted,
  type RequestLogPage,
  type StoreUnavailable,
  type UsagePage,
} from '@switchyard/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNats } from '@switchyard/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryService } from './service.js';

const config = parseConfig({
  providers: { openai: { type: 'openai-compatible', base_url: 'https://example.test/v1' } },
  models: {
    'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
    'openai/*': { deployments: [{ provider: 'openai' }] },
  },
  telemetry: { host: '127.0.0.1', port: 0 },
});

/** Log lines the service wrote, parsed. */
const lines: Record<string, unknown>[] = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  }),
);

let nats: { url: string; stop(): Promise<void> };
let nc: NatsConnection;
let presence: Presence;
let telemetry: TelemetryService;

const event = (overrides: Partial<RequestCompleted>): RequestCompleted => ({
  request_id: 'req',
  op: 'chat.completions',
  model: 'gpt-4o',
  key_id: 'app',
  provider: 'openai',
  deployment: 'openai/gpt-4o',
  stream: false,
  status: 200,
  received_at: Date.now(),
  duration_ms: 30,
  ...overrides,
});

const publish = (e: RequestCompleted | string): void =>
  nc.publish(Subjects.events.requestCompleted, typeof e === 'string' ? e : JSON.stringify(e));

const scrape = async (): Promise<string> => {
  const res = await fetch(`${telemetry.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

/** The value of one sample, found by name and (a subset of) its labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Events arrive asynchronously: scrape until the expected total shows or give up. */
async function scrapeUntil(done: (text: string) => boolean): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await scrape();
    if (done(text)) return text;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('metrics never reached the expected state');
}

beforeAll(async () => {
  nats = await startNats();
  nc = await connectBus({ url: nats.url, name: 'telemetry', log });
  presence = createPresence(nc);
  telemetry = await startTelemetry({ nc, presence, log, config });
});

afterAll(async () => {
  await telemetry?.stop();
  await presence?.stop();
  await nc?.close();
  await nats?.stop();
});

describe('telemetry', () => {
  it('counts completed requests and their latency, tokens and time to first token', async () => {
    publish(
      event({
        request_id: 'a',
        duration_ms: 30,
        ttft_ms: 20,
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      }),
    );
    publish(
      event({
        request_id: 'b',
        duration_ms: 3_000,
        ttft_ms: 400,
        usage: { prompt_tokens: 8, completion_tokens: 40, total_tokens: 48 },
      }),
    );
    publish(
      event({
        request_id: 'c',
        model: undefined,
        provider: undefined,
        status: 401,
        error_code: 'unauthenticated',
        duration_ms: 1,
      }),
    );

    const ok = { model: 'gpt-4o', status: '200' };
    const text = await scrapeUntil((t) => sample(t, 'switchyard_requests_total', { model: 'unknown' }) === 1);

    expect(sample(text, 'switchyard_requests_total', { ...ok, provider: 'openai' })).toBe(2);
    expect(
      sample(text, 'switchyard_requests_total', { model: 'unknown', status: '401', provider: 'none' }),
    ).toBe(1);

    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { ...ok, le: '0.005' })).toBe(0);
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { ...ok, le: '0.05' })).toBe(1);
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { ...ok, le: '2.5' })).toBe(1);
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { ...ok, le: '5' })).toBe(2);
    expect(sample(text, 'switchyard_request_duration_seconds_bucket', { ...ok, le: '120' })).toBe(2);
    expect(sample(text, 'switchyard_request_duration_seconds_sum', ok)).toBeCloseTo(3.03);
    expect(sample(text, 'switchyard_request_duration_seconds_count', ok)).toBe(2);

    expect(
      sample(text, 'switchyard_time_to_first_token_seconds_bucket', { model: 'gpt-4o', le: '0.025' }),
    ).toBe(1);
    expect(sample(text, 'switchyard_time_to_first_token_seconds_count', { model: 'gpt-4o' })).toBe(2);
    // A refusal has no first token.
    expect(
      sample(text, 'switchyard_time_to_first_token_seconds_count', { model: 'unknown' }),
    ).toBeUndefined();

    expect(sample(text, 'gen_ai_client_token_usage_total', { model: 'gpt-4o', type: 'input' })).toBe(20);
    expect(sample(text, 'gen_ai_client_token_usage_total', { model: 'gpt-4o', type: 'output' })).toBe(45);

    // The process's own metrics come along.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('adds up the cost of requests by model and provider, and logs it', async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };
    publish(event({ request_id: 'cost-1', model: 'openai/gpt-4o-mini', usage, cost_usd: 0.00021 }));
    publish(event({ request_id: 'cost-2', model: 'openai/gpt-4o-mini', usage, cost_usd: 0.00079 }));
    // No price known: no cost, and no series for it.
    publish(event({ request_id: 'cost-3', model: 'openai/unpriced-model', usage }));
    const text = await scrapeUntil(
      (t) =>
        (sample(t, 'switchyard_cost_usd_total', { model: 'openai/gpt-4o-mini' }) ?? 0) > 0.0009 &&
        lines.some((l) => l['request_id'] === 'cost-3'),
    );
    expect(
      sample(text, 'switchyard_cost_usd_total', { model: 'openai/gpt-4o-mini', provider: 'openai' }),
    ).toBeCloseTo(0.001, 12);
    expect(sample(text, 'switchyard_cost_usd_total', { model: 'openai/unpriced-model' })).toBeUndefined();
    expect(lines.find((l) => l['request_id'] === 'cost-1')).toMatchObject({ cost_usd: 0.00021 });
    expect(lines.find((l) => l['request_id'] === 'cost-3')).not.toHaveProperty('cost_usd');
  });

  it('keeps caller-chosen model names out of the labels', async () => {
    publish(event({ request_id: 'd', model: 'made-up-model-1234', provider: undefined, status: 404 }));
    publish(event({ request_id: 'e', model: 'openai/typo-5678', provider: undefined, status: 404 }));
    publish(event({ request_id: 'f', model: 'openai/gpt-4.1-mini', status: 200 }));
    const text = await scrapeUntil(
      (t) => sample(t, 'switchyard_requests_total', { model: 'openai/gpt-4.1-mini' }) === 1,
    );
    expect(sample(text, 'switchyard_requests_total', { model: 'other', status: '404' })).toBe(1);
    expect(sample(text, 'switchyard_requests_total', { model: 'openai/*', status: '404' })).toBe(1);
    expect(text).not.toContain('made-up-model-1234');
    expect(text).not.toContain('typo-5678');
  });

  it('logs one line per request with its id, model, status and tokens', async () => {
    const line = lines.find((l) => l['request_id'] === 'a');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      model: 'gpt-4o',
      status: 200,
      duration_ms: 30,
      prompt_tokens: 12,
      completion_tokens: 5,
      key_id: 'app',
    });
    expect(lines.filter((l) => l['request_id'] === 'a')).toHaveLength(1);
  });

  it('drops malformed events with a warning and keeps counting', async () => {
    publish('{not json');
    publish(JSON.stringify({ request_id: 'bad', status: 'two hundred' }));
    publish(event({ request_id: 'after-bad', model: 'gpt-4o', status: 500, provider: 'openai' }));
    const text = await scrapeUntil(
      (t) => sample(t, 'switchyard_requests_total', { model: 'gpt-4o', status: '500' }) === 1,
    );
    expect(text).not.toContain('two hundred');
    expect(lines.filter((l) => l['level'] === 40 && /dropped/.test(String(l['msg'])))).toHaveLength(2);
    expect((await fetch(`${telemetry.url}/healthz`)).status).toBe(200);
  });

  it('counts cached and cache-creation tokens as types of their own', async () => {
    publish(
      event({
        request_id: 'cached-1',
        model: 'openai/gpt-4o-mini',
        usage: {
          prompt_tokens: 100,
          completion_tokens: 7,
          total_tokens: 107,
          cached_tokens: 60,
          cache_creation_tokens: 30,
        },
      }),
    );
    const model = 'openai/gpt-4o-mini';
    const text = await scrapeUntil(
      (t) => sample(t, 'gen_ai_client_token_usage_total', { model, type: 'cached' }) === 60,
    );
    expect(sample(text, 'gen_ai_client_token_usage_total', { model, type: 'cache_creation' })).toBe(30);
  });

  it('keeps a record of every request in the bounded events stream, queryable over NATS', async () => {
    const since = Date.now();
    publish(event({ request_id: 'log-1', key_id: 'app', team: 'search', trace_id: 'a'.repeat(32) }));
    publish(event({ request_id: 'log-2', key_id: 'batch', status: 429, error_code: 'rate_limited' }));
    publish(event({ request_id: 'log-3', key_id: 'app', attempt: 2 }));

    const query = async (q: Record<string, unknown>) => {
      const answer = await nc.request(Subjects.admin.requestsQuery, JSON.stringify(q), { timeout: 5_000 });
      return { status: answer.headers?.get(Headers.status), body: answer.json<RequestLogPage>() };
    };
    let page: RequestLogPage | undefined;
    for (let i = 0; i < 100 && (page?.data.length ?? 0) < 3; i++) {
      page = (await query({ since })).body;
      if (page.data.length < 3) await new Promise((r) => setTimeout(r, 30));
    }
    expect(page!.data.map((r) => r.request_id)).toEqual(['log-3', 'log-2', 'log-1']);
    expect(page!.data[2]).toMatchObject({ key_id: 'app', team: 'search', trace_id: 'a'.repeat(32) });
    expect(page!.data[0]).toMatchObject({ attempts: 2 });
    expect((await query({ since, key_id: 'app' })).body.data.map((r) => r.request_id)).toEqual([
      'log-3',
      'log-1',
    ]);
    expect((await query({ since, status: '4xx' })).body.data.map((r) => r.request_id)).toEqual(['log-2']);

    const bad = await query({ status: 'teapot' });
    expect(bad.status).toBe('400');
    expect(bad.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'status' } });

    // The events stream keeps what the request log is set to keep (a week and 1 GiB by default).
    const jsm = await jetstreamManager(nc);
    const { config: stream } = await jsm.streams.info(EVENTS_STREAM);
    expect(stream.max_age).toBe(config.telemetry.request_log.max_age_hours * 3_600 * 1e9);
    expect(stream.max_bytes).toBe(config.telemetry.request_log.max_bytes);
  });

  it('brings the existing events stream to the request log’s limits, never under a day and 1 GiB', async () => {
    const limits = async (request_log: Record<string, unknown>): Promise<[number, number]> => {
      const other = parseConfig({ telemetry: { host: '127.0.0.1', port: 0, request_log } });
      const second = await startTelemetry({ nc, presence, log, config: other });
      try {
        const { config: stream } = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
        return [stream.max_age / (3_600 * 1e9), stream.max_bytes / 2 ** 30];
      } finally {
        await second.stop();
      }
    };
    expect(await limits({ max_age_hours: 48, max_bytes: 2 * 2 ** 30 })).toEqual([48, 2]);
    expect(await limits({ max_age_hours: 1, max_bytes: 2 * 1024 * 1024 })).toEqual([24, 1]);
    expect(await limits({ enabled: false, max_age_hours: 48 })).toEqual([24, 1]);
  });

  it('counts cache results and savings, 429s by code, fallbacks and store outages', async () => {
    const model = 'gpt-4o';
    const before = await scrape();
    const limitedBefore = (code: string): number =>
      sample(before, 'switchyard_requests_limited_total', { model, code }) ?? 0;
    publish(event({ request_id: 'hit-1', cache: 'hit', saved_usd: 0.25 }));
    publish(event({ request_id: 'hit-2', cache: 'hit', saved_usd: 0.5 }));
    publish(event({ request_id: 'miss-1', cache: 'miss' }));
    publish(event({ request_id: 'lim-1', status: 429, error_code: 'rate_limited' }));
    publish(event({ request_id: 'lim-2', status: 429, error_code: 'rate_limited' }));
    publish(event({ request_id: 'lim-3', status: 429, error_code: 'quota_exceeded' }));
    const failed: AttemptFailed = {
      request_id: 'fb-1',
      model,
      provider: 'openai',
      deployment: 'openai/gpt-4o',
      status: 503,
      error_code: 'unavailable',
      attempt: 1,
    };
    nc.publish(Subjects.events.attemptFailed, JSON.stringify(failed));
    const outage: StoreUnavailable = {
      service: 'policy',
      store: 'redis',
      action: 'fail_open',
      count: 3,
      at: 1,
    };
    nc.publish(Subjects.events.storeUnavailable, JSON.stringify(outage));
    nc.publish(Subjects.events.storeUnavailable, JSON.stringify({ ...outage, count: 2 }));

    const text = await scrapeUntil(
      (t) => sample(t, 'switchyard_store_unavailable_total', { service: 'policy' }) === 5,
    );
    expect(sample(text, 'switchyard_cache_requests_total', { model, result: 'hit' })).toBe(2);
    expect(sample(text, 'switchyard_cache_requests_total', { model, result: 'miss' })).toBe(1);
    expect(sample(text, 'switchyard_cache_saved_usd_total', { model })).toBeCloseTo(0.75, 12);
    const limited = (code: string): number =>
      (sample(text, 'switchyard_requests_limited_total', { model, code }) ?? 0) - limitedBefore(code);
    expect(limited('rate_limited')).toBe(2);
    expect(limited('quota_exceeded')).toBe(1);
    expect(
      sample(text, 'switchyard_fallbacks_total', { model, provider: 'openai', code: 'unavailable' }),
    ).toBe(1);
    expect(sample(text, 'switchyard_store_unavailable_total', { store: 'redis', action: 'fail_open' })).toBe(
      5,
    );
  });

  it('exports the load each stage reports in its presence heartbeat', async () => {
    const beat = (instance: string, load: number) =>
      nc.publish(
        Subjects.presence,
        JSON.stringify({ instance, stages: ['provider.openai'], load: { 'provider.openai': load } }),
      );
    beat('w1', 3);
    beat('w2', 4);
    const text = await scrapeUntil(
      (t) => sample(t, 'switchyard_stage_pending_messages', { stage: 'provider.openai' }) === 7,
    );
    expect(text).toContain('# TYPE switchyard_stage_pending_messages gauge');
    nc.publish(
      Subjects.presence,
      JSON.stringify({ instance: 'w1', stages: ['provider.openai'], leaving: true }),
    );
    await scrapeUntil(
      (t) => sample(t, 'switchyard_stage_pending_messages', { stage: 'provider.openai' }) === 4,
    );
  });

  it('rolls usage up per day and group, each request once however often its event comes', async () => {
    const day = Date.UTC(2026, 0, 15, 10);
    const base = { key_id: 'roll', team: 'rollers', received_at: day };
    const usage = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, cached_tokens: 40 };
    publish(event({ ...base, request_id: 'u-1', usage, cost_usd: 0.001 }));
    publish(event({ ...base, request_id: 'u-1', usage, cost_usd: 0.001 })); // a replay
    publish(event({ ...base, request_id: 'u-2', cache: 'hit', saved_usd: 0.002, usage, cost_usd: 0 }));
    publish(event({ ...base, request_id: 'u-3', status: 500, error_code: 'internal' }));
    publish(event({ ...base, request_id: 'u-4', received_at: day + 86_400_000, usage, cost_usd: 0.001 }));

    const query = async (q: Record<string, unknown>): Promise<UsagePage> => {
      const answer = await nc.request(Subjects.admin.usageQuery, JSON.stringify(q), { timeout: 5_000 });
      expect(answer.headers?.get(Headers.status)).toBe('200');
      return answer.json<UsagePage>();
    };
    const range = { since: day, until: day + 86_400_000, key_id: 'roll' };
    let page: UsagePage | undefined;
    for (let i = 0; i < 100; i++) {
      page = await query({ ...range, group_by: 'team' });
      if (page.data.reduce((n, r) => n + r.requests, 0) >= 4) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(page!.data).toEqual([
      {
        day: '2026-01-15',
        team: 'rollers',
        requests: 3,
        errors: 1,
        prompt_tokens: 200,
        completion_tokens: 20,
        cached_tokens: 80,
        cost_usd: 0.001,
        cache_hits: 1,
        saved_usd: 0.002,
      },
      expect.objectContaining({ day: '2026-01-16', team: 'rollers', requests: 1, prompt_tokens: 100 }),
    ]);
    const byModel = await query({ ...range, group_by: 'model', since: day + 86_400_000 });
    expect(byModel.data).toEqual([
      expect.objectContaining({ day: '2026-01-16', model: 'gpt-4o', requests: 1 }),
    ]);
  });

  it('answers 404 for other paths', async () => {
    expect((await fetch(`${telemetry.url}/nope`)).status).toBe(404);
  });
});
