import { Writable } from 'node:stream';
import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Subjects, type RequestCompleted } from '@switchyard/contracts';
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

  it('answers 404 for other paths', async () => {
    expect((await fetch(`${telemetry.url}/nope`)).status).toBe(404);
  });
});
