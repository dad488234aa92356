import { connectBus, createPresence, type NatsConnection } from '@switchyard/bus';
import { startCache } from '@switchyard/cache';
import { Subjects, type RequestCompleted, type StoreUnavailable } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import {
  expectMatchesOpenAISpec,
  startFakeOpenAI,
  startNats,
  startRedis,
  waitUntil,
  type FakeOpenAI,
  type RedisHandle,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-cache-0123456789';
const SEARCH_KEY = 'sk-search-cache-0123456789';
const SEARCH_KEY_2 = 'sk-search2-cache-0123456789';
const ADS_KEY = 'sk-ads-cache-0123456789';

let nats: ServiceHandle;
let redis: RedisHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
const events = new Map<string, RequestCompleted>();
const log = createLogger({ name: 'e2e', level: 'silent' });

const sdk = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
let search: OpenAI;

/** Chat requests the fake upstream received whose last message says `text`. */
const upstreamCalls = (text: string): number =>
  fake.requests.filter(
    (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes(JSON.stringify(text)),
  ).length;

const ask = (content: string, over: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) => ({
  model: 'echo',
  temperature: 0,
  messages: [{ role: 'user' as const, content }],
  ...over,
});

/** A plain request through the SDK: the answer, its cache status and its completion event. */
async function chat(
  content: string,
  client = search,
  over: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
) {
  const { data, response } = await client.chat.completions.create(ask(content, over)).withResponse();
  return {
    data,
    status: response.headers.get('x-switchyard-cache'),
    key: response.headers.get('x-switchyard-cache-key'),
    id: response.headers.get('x-request-id')!,
  };
}

async function eventOf(requestId: string): Promise<RequestCompleted> {
  await waitUntil(() => events.has(requestId));
  return events.get(requestId)!;
}

async function purge(body: object): Promise<{ status: number; json: { purged?: number } }> {
  const res = await fetch(`${gw.url}/admin/cache/purge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { purged?: number } };
}

/** Polls an async condition (an answer that changes once Redis or a TTL moves on). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  nats = await startNats();
  redis = await startRedis({ ignoreEnv: true });
  fake = await startFakeOpenAI();
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 15_000 },
    master_key: MASTER,
    redis: { url: redis.url },
    keys: [
      { id: 'search-app', key: SEARCH_KEY, team: 'search' },
      { id: 'search-batch', key: SEARCH_KEY_2, team: 'search' },
      { id: 'ads-app', key: ADS_KEY, team: 'ads' },
    ],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url } },
    pricing: { 'upstream/*': { input: 1_000_000, output: 2_000_000 } },
    cache: { max_entry_bytes: 4096 },
    models: {
      echo: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      slow: { deployments: [{ provider: 'upstream', model: 'slow-500' }] },
      embed: { deployments: [{ provider: 'upstream', model: 'text-embedding-3-small' }] },
      sem: {
        deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }],
        cache: { semantic: { enabled: true, embedding_model: 'embed', threshold: 0.99 } },
      },
    },
  });
  gw.nc.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => {
      if (err) return;
      const e = msg.json<RequestCompleted>();
      events.set(e.request_id, e);
    },
  });
  search = sdk(SEARCH_KEY);
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await redis?.stop();
  await nats?.stop();
});

describe('response cache', () => {
  it('answers an identical request from the cache: upstream once, equal answers, hit accounted as saved', async () => {
    const first = await chat('Cache me');
    const second = await chat('Cache me');
    expect([first.status, second.status]).toEqual(['MISS', 'HIT']);
    expect(second.data).toEqual(first.data);
    expectMatchesOpenAISpec('CreateChatCompletionResponse', second.data);
    expect(upstreamCalls('Cache me')).toBe(1);

    const miss = await eventOf(first.id);
    const hit = await eventOf(second.id);
    expect(miss).toMatchObject({ cache: 'miss', status: 200 });
    expect(miss.cost_usd).toBeGreaterThan(0);
    expect(hit).toMatchObject({
      cache: 'hit',
      status: 200,
      cost_usd: 0,
      usage: miss.usage,
      saved_usd: miss.cost_usd,
    });
  });

  it('does not key on user or metadata, but on anything that changes the answer', async () => {
    await chat('Key me');
    expect((await chat('Key me', search, { user: 'someone-else' })).status).toBe('HIT');
    expect((await chat('Key me', search, { max_tokens: 50 })).status).toBe('MISS');
    expect((await chat('Key me', search, { temperature: 0.8 })).status).toBe('BYPASS');
  });

  it('replays a stored answer as a stream the SDK accepts, and answers a plain request from a streamed one', async () => {
    const plain = await chat('Replay me');
    const streamed = async (content: string) => {
      const { data: stream, response } = await search.chat.completions
        .create({ ...ask(content), stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      return { text, usage, status: response.headers.get('x-switchyard-cache') };
    };
    const replay = await streamed('Replay me');
    expect(replay).toEqual({
      text: plain.data.choices[0]!.message.content,
      usage: plain.data.usage,
      status: 'HIT',
    });

    const live = await streamed('Stream first');
    expect(live.status).toBe('MISS');
    await eventually(async () => (await chat('Stream first')).status === 'HIT');
    const whole = await chat('Stream first');
    expect(whole.data.choices[0]!.message.content).toBe(live.text);
    expect(whole.data.usage).toEqual(live.usage);
    expect(upstreamCalls('Stream first')).toBe(1);
  });

  it('follows Cache-Control: no-cache skips the lookup but stores, no-store does neither', async () => {
    await chat('Controls');
    const noCache = await chat('Controls', sdk(SEARCH_KEY, { 'cache-control': 'no-cache' }));
    expect(noCache.status).toBe('BYPASS');
    expect(upstreamCalls('Controls')).toBe(2);

    expect((await chat('Never kept', sdk(SEARCH_KEY, { 'cache-control': 'no-store' }))).status).toBe(
      'BYPASS',
    );
    expect((await chat('Never kept')).status).toBe('MISS');
    expect((await chat('Kept anyway', sdk(SEARCH_KEY, { 'cache-control': 'no-cache' }))).status).toBe(
      'BYPASS',
    );
    await eventually(async () => (await chat('Kept anyway')).status === 'HIT');
    expect(upstreamCalls('Kept anyway')).toBe(1);
  });

  it('keeps an answer for the TTL the caller asked, and refuses more than the maximum', async () => {
    const shortLived = sdk(SEARCH_KEY, { 'x-switchyard-cache-ttl': '1' });
    await chat('Short lived', shortLived);
    expect((await chat('Short lived')).status).toBe('HIT');
    const started = Date.now();
    await eventually(async () => (await chat('Short lived')).status === 'MISS');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(
      chat('Too long', sdk(SEARCH_KEY, { 'x-switchyard-cache-ttl': '9999999' })),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('lets 20 identical requests in flight at once go upstream once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => chat('All at once', search, { model: 'slow' })),
    );
    expect(upstreamCalls('All at once')).toBe(1);
    expect(new Set(answers.map((a) => a.data.choices[0]!.message.content)).size).toBe(1);
    expect(answers.filter((a) => a.status === 'MISS')).toHaveLength(1);
  });

  it('does not store an answer over the size bound', async () => {
    const long = `Long ${'word '.repeat(1000)}`;
    expect((await chat(long)).status).toBe('MISS');
    expect((await chat(long)).status).toBe('MISS');
    expect(upstreamCalls(long)).toBe(2);
  });

  it('keeps teams apart: keys of one team share entries, another team does not see them', async () => {
    await chat('Team secret');
    expect((await chat('Team secret', sdk(SEARCH_KEY_2))).status).toBe('HIT');
    expect((await chat('Team secret', sdk(ADS_KEY))).status).toBe('MISS');
  });

  it('purges by key, alias and namespace through the admin API', async () => {
    const byKey = await chat('Purge by key');
    expect(await purge({ key: byKey.key })).toEqual({ status: 200, json: { purged: 1 } });
    expect((await chat('Purge by key')).status).toBe('MISS');

    await chat('Purge by alias', search, { model: 'slow' });
    expect((await purge({ alias: 'slow' })).json.purged).toBeGreaterThanOrEqual(1);
    expect((await chat('Purge by alias', search, { model: 'slow' })).status).toBe('MISS');

    await chat('Purge by namespace', sdk(ADS_KEY));
    expect((await purge({ namespace: 'team:ads' })).json.purged).toBeGreaterThanOrEqual(1);
    expect((await chat('Purge by namespace', sdk(ADS_KEY))).status).toBe('MISS');
    expect((await chat('Team secret')).status).toBe('HIT');

    expect((await purge({})).status).toBe(400);
    const res = await fetch(`${gw.url}/admin/cache/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SEARCH_KEY}`, 'content-type': 'application/json' },
      body: '{"alias":"echo"}',
    });
    expect(res.status).toBe(403);
  });

  it('shares entries between cache replicas through Redis', async () => {
    const replica = async (
      name: string,
    ): Promise<{ nc: NatsConnection; service: RunningService; stop(): Promise<void> }> => {
      const nc = await connectBus({ url: nats.url, name, log });
      const presence = createPresence(nc);
      const service = await startCache({ nc, presence, log, config: gw.config });
      return {
        nc,
        service,
        async stop() {
          await service.stop();
          await presence.stop();
          await nc.drain();
        },
      };
    };
    await gw.stopService('cache');
    const a = await replica('cache-a');
    try {
      expect((await chat('Across replicas')).status).toBe('MISS');
      await eventually(async () => (await chat('Across replicas')).status === 'HIT');
    } finally {
      await a.stop();
    }
    const b = await replica('cache-b');
    try {
      expect((await chat('Across replicas')).status).toBe('HIT');
      expect(upstreamCalls('Across replicas')).toBe(1);
    } finally {
      await b.stop();
      await gw.startService('cache');
    }
  });

  it('answers from a semantically close prompt above the threshold, and not below it', async () => {
    const original = await chat('What is the capital of France?', search, { model: 'sem' });
    expect(original.status).toBe('MISS');
    await eventually(
      async () => (await chat('What is the capital of France?', search, { model: 'sem' })).status === 'HIT',
    );
    const paraphrase = await chat('what is the capital of   france', search, { model: 'sem' });
    expect(paraphrase.status).toBe('HIT');
    expect(paraphrase.data.choices[0]!.message.content).toBe(original.data.choices[0]!.message.content);
    expect(upstreamCalls('what is the capital of   france')).toBe(0);
    const other = await chat('What is the capital of Spain?', search, { model: 'sem' });
    expect(other.status).toBe('MISS');
    expect(other.data.choices[0]!.message.content).toContain('Spain');
  });

  it('bypasses the cache while Redis is down, answering 200, and resumes by itself', async () => {
    await chat('Through an outage');
    const alarms: StoreUnavailable[] = [];
    const sub = gw.nc.subscribe(Subjects.events.storeUnavailable, {
      callback: (err, msg) => err || alarms.push(msg.json<StoreUnavailable>()),
    });
    await redis.stop();
    const during = await chat('Through an outage');
    expect(during.status).toBe('BYPASS');
    expect(during.data.choices[0]!.message.content).toBe('Echo: Through an outage');
    await waitUntil(() => alarms.some((e) => e.service === 'cache' && e.action === 'bypass'));
    sub.unsubscribe();
    await redis.start();
    await eventually(async () => (await chat('After the outage')).status !== 'BYPASS', 15_000);
    await eventually(async () => (await chat('After the outage')).status === 'HIT');
  });
});
