import { randomBytes } from 'node:crypto';
import type { RequestLogPage, RequestRecord } from '@switchyard/contracts';
import { InMemorySpanExporter, startOtel, type Otel, type ReadableSpan } from '@switchyard/otel';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-obs-0123456789';
const APP_KEY = 'sk-app-obs-0123456789';
const OTHER_KEY = 'sk-other-obs-0123456789';
const UPSTREAM_KEY = 'upstream-secret-key';
/** USD per million tokens. */
const PRICE = { input: 0.5, output: 2 };

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let otel: Otel;
const spans = new InMemorySpanExporter();
let client: OpenAI;

beforeAll(async () => {
  // The SDK as `main.ts` starts it, exporting to memory: every service runs in this process.
  otel = startOtel({ serviceName: 'e2e', env: {}, exporter: spans });
  nats = await startNats();
  fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    keys: [
      { id: 'app', key: APP_KEY, team: 'search', models: ['*'] },
      { id: 'other', key: OTHER_KEY, team: 'ads', models: ['metered'] },
    ],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY } },
    pricing: { 'upstream/*': { input: PRICE.input, output: PRICE.output } },
    models: {
      'echo-model': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      metered: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini', id: 'metered-dep' }] },
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: APP_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await otel?.stop();
  await fake?.stop();
  await nats?.stop();
});

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${what}`);
}

const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('traces', () => {
  it('chains one span per stage under the caller’s trace, down to the upstream call', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${APP_KEY}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ model: 'echo-model', messages: [{ role: 'user', content: 'trace me' }] }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };

    const find = (prefix: string): ReadableSpan | undefined =>
      spans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId && s.name.startsWith(prefix));
    const server = await until(() => find('POST /v1/chat/completions'), 'the ingress span');
    const policy = await until(() => find('policy '), 'the policy span');
    const cache = await until(() => find('cache '), 'the cache span');
    const router = await until(() => find('router '), 'the router span');
    const worker = await until(() => find('provider.upstream '), 'the worker span');
    const upstream = await until(() => find('chat gpt-4o-mini'), 'the upstream call span');

    // Every span of the request is in the caller's trace, each stage the child of the one before.
    expect(parentOf(server)).toBe(callerSpanId);
    expect(server.kind).toBe(1); // SERVER
    expect(server.attributes['http.route']).toBe('/v1/chat/completions');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(parentOf(policy)).toBe(server.spanContext().spanId);
    expect(parentOf(cache)).toBe(policy.spanContext().spanId);
    expect(parentOf(router)).toBe(cache.spanContext().spanId);
    expect(parentOf(worker)).toBe(router.spanContext().spanId);
    expect(parentOf(upstream)).toBe(worker.spanContext().spanId);

    expect(policy.name).toBe('policy llm.v1.validated.chat.completions');
    expect(worker.name).toBe('provider.upstream llm.v1.stage.provider.upstream');
    for (const s of [policy, cache, router, worker]) {
      expect(s.kind).toBe(4); // CONSUMER
      expect(s.attributes['gen_ai.operation.name']).toBe('chat');
      expect(s.attributes['gen_ai.request.model']).toBe('echo-model');
    }
    expect(worker.attributes['gen_ai.provider.name']).toBe('upstream');
    expect(upstream.kind).toBe(2); // CLIENT
    expect(upstream.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(upstream.attributes['gen_ai.usage.input_tokens']).toBe(answer.usage.prompt_tokens);
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBe(answer.usage.completion_tokens);
    // The caller's span is not ours: nothing but the ingress's span sits in between.
    expect(spans.getFinishedSpans().filter((s) => parentOf(s) === callerSpanId)).toHaveLength(1);
  });
});

describe('request log', () => {
  const admin = (query: string, key = MASTER): Promise<Response> =>
    fetch(`${gw.url}/admin/requests${query}`, { headers: { authorization: `Bearer ${key}` } });

  it('records each request with who, what, how it ended and its trace, queryable by the master key', async () => {
    const since = Date.now();
    const traceId = randomBytes(16).toString('hex');
    const ok = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${APP_KEY}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ model: 'echo-model', messages: [{ role: 'user', content: 'log me' }] }),
    });
    expect(ok.status).toBe(200);
    const okId = ok.headers.get('x-request-id')!;
    const usage = ((await ok.json()) as { usage: OpenAI.CompletionUsage }).usage;
    // Refused by policy: the key may not use this model.
    const refused = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OTHER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo-model', messages: [{ role: 'user', content: 'not mine' }] }),
    });
    expect(refused.status).toBe(403);
    const refusedId = refused.headers.get('x-request-id')!;

    const page = await until(async () => {
      const res = await admin(`?since=${since}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as RequestLogPage;
      return body.data.length >= 2 ? body : undefined;
    }, 'both records');
    expect(page.object).toBe('list');
    // Newest first.
    expect(page.data.map((r) => r.request_id)).toEqual([refusedId, okId]);
    const record = page.data[1]!;
    expect(record).toMatchObject({
      request_id: okId,
      trace_id: traceId,
      op: 'chat.completions',
      model: 'echo-model',
      key_id: 'app',
      team: 'search',
      provider: 'upstream',
      deployment: 'upstream/gpt-4o-mini',
      upstream_model: 'gpt-4o-mini',
      stream: false,
      status: 200,
      attempts: 1,
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.total_tokens,
      },
    } satisfies Partial<RequestRecord>);
    expect(record.received_at).toBeGreaterThanOrEqual(since);
    expect(record.duration_ms).toBeGreaterThanOrEqual(0);
    expect(record.ttft_ms).toBeGreaterThanOrEqual(0);
    expect(page.data[0]).toMatchObject({ request_id: refusedId, key_id: 'other', team: 'ads', status: 403 });
    // No prompt, no answer, no key.
    const text = JSON.stringify(page);
    for (const secret of ['log me', 'not mine', 'Echo:', APP_KEY, OTHER_KEY, UPSTREAM_KEY, MASTER])
      expect(text).not.toContain(secret);
  });

  it('filters by key, team, model, status and time, and honours the limit', async () => {
    const since = Date.now();
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({
        model: 'echo-model',
        messages: [{ role: 'user', content: `n${i}` }],
      });
    const other = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OTHER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'metered', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(other.status).toBe(200);

    const query = async (q: string): Promise<RequestLogPage> => {
      const res = await admin(`?since=${since}&${q}`);
      expect(res.status).toBe(200);
      return (await res.json()) as RequestLogPage;
    };
    await until(async () => ((await query('')).data.length >= 4 ? true : undefined), 'four records');

    expect((await query('key_id=app')).data).toHaveLength(3);
    expect((await query('team=ads')).data.map((r) => r.model)).toEqual(['metered']);
    expect((await query('model=metered')).data.map((r) => r.deployment)).toEqual(['metered-dep']);
    expect((await query('status=2xx')).data).toHaveLength(4);
    expect((await query('status=403')).data).toHaveLength(0);
    const limited = await query('key_id=app&limit=2');
    expect(limited.data).toHaveLength(2);
    expect(limited.has_more).toBe(true);
    expect((await query(`until=${since}`)).data).toHaveLength(0);
    const future = await admin(`?since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(((await future.json()) as RequestLogPage).data).toHaveLength(0);
  });

  it('refuses anyone but the master key, in OpenAI’s error shape', async () => {
    const expectError = async (res: Response, status: number): Promise<void> => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string; type: string } };
      expect(typeof body.error.message).toBe('string');
      expect(typeof body.error.type).toBe('string');
    };
    await expectError(await admin('', APP_KEY), 403);
    await expectError(await admin('', 'sk-not-a-key-at-all'), 401);
    await expectError(await fetch(`${gw.url}/admin/requests`), 401);
    await expectError(await admin('?status=abc'), 400);
    await expectError(await admin('?limit=0'), 400);
  });
});

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

describe('usage metrics', () => {
  it('count exactly the tokens the upstream reported, streams included', async () => {
    const metered = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: OTHER_KEY, maxRetries: 0 });
    const seen = { input: 0, output: 0, cached: 0, requests: 0 };
    const add = (u: OpenAI.CompletionUsage | null | undefined): void => {
      expect(u).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
      seen.input += u!.prompt_tokens;
      seen.output += u!.completion_tokens;
      seen.cached += u!.prompt_tokens_details?.cached_tokens ?? 0;
      seen.requests++;
    };
    const scrape = async (): Promise<string> => (await fetch(`${gw.metricsUrl}/metrics`)).text();
    const before = await scrape();
    const base = (type: string): number =>
      sample(before, 'gen_ai_client_token_usage_total', { model: 'metered', type }) ?? 0;
    const baseRequests =
      sample(before, 'switchyard_requests_total', { model: 'metered', status: '200' }) ?? 0;

    for (const content of ['one', 'one two three', 'a much longer prompt with more words in it'])
      add(
        (await metered.chat.completions.create({ model: 'metered', messages: [{ role: 'user', content }] }))
          .usage,
      );
    for (const content of ['stream one', 'stream two three four']) {
      const stream = await metered.chat.completions.create({
        model: 'metered',
        messages: [{ role: 'user', content }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      add(usage);
    }

    // A stream whose caller did not ask for usage is metered all the same, from the usage the
    // worker asks the upstream for: the fake's usage depends on the messages only, so the same
    // request unstreamed tells what it is.
    const quiet = {
      model: 'metered',
      messages: [{ role: 'user' as const, content: 'stream quietly please' }],
    };
    const quietUsage = (await metered.chat.completions.create(quiet)).usage;
    add(quietUsage);
    const quietStream = await metered.chat.completions.create({ ...quiet, stream: true });
    for await (const chunk of quietStream) expect(chunk.usage ?? undefined).toBeUndefined();
    add(quietUsage);

    const text = await until(async () => {
      const t = await scrape();
      const n = sample(t, 'switchyard_requests_total', { model: 'metered', status: '200' }) ?? 0;
      return n - baseRequests === seen.requests ? t : undefined;
    }, 'every request counted');
    const tokens = (type: string): number =>
      (sample(text, 'gen_ai_client_token_usage_total', { model: 'metered', type }) ?? 0) - base(type);
    expect(tokens('input')).toBe(seen.input);
    expect(tokens('output')).toBe(seen.output);
    expect(tokens('cached')).toBe(seen.cached);
    expect(seen.input).toBeGreaterThan(0);
    const cost = (t: string): number =>
      sample(t, 'switchyard_cost_usd_total', { model: 'metered', provider: 'upstream' }) ?? 0;
    expect(cost(text) - cost(before)).toBeCloseTo(
      (seen.input * PRICE.input + seen.output * PRICE.output) / 1e6,
      12,
    );
  });
});
