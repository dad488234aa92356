import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { Subjects, type StoreUnavailable } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startPolicy } from '@switchyard/policy';
import type { RunningService } from '@switchyard/runtime';
import {
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

// Rate limits through every service, counted in a real Redis by two policy replicas.
const KEYS = {
  rpm: 'sk-limits-rpm-0123456789',
  tpm: 'sk-limits-tpm-0123456789',
  teamA: 'sk-limits-team-a-0123456789',
  teamB: 'sk-limits-team-b-0123456789',
  conc: 'sk-limits-conc-0123456789',
  one: 'sk-limits-one-0123456789',
  headers: 'sk-limits-headers-0123456789',
  free: 'sk-limits-free-0123456789',
};

let nats: ServiceHandle;
let redis: RedisHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
const replica: { nc?: NatsConnection; presence?: Presence; policy?: RunningService } = {};

const document = (redisUrl: string, failMode: 'closed' | 'open' = 'closed') => ({
  server: { port: 0, request_timeout_ms: 15_000 },
  redis: { url: redisUrl },
  policy: { fail_mode: failMode },
  keys: [
    { id: 'rpm', key: KEYS.rpm, limits: { rpm: 10 } },
    { id: 'tpm', key: KEYS.tpm, limits: { tpm: 400 } },
    { id: 'team-a', key: KEYS.teamA, team: 'shared' },
    { id: 'team-b', key: KEYS.teamB, team: 'shared' },
    { id: 'conc', key: KEYS.conc, limits: { max_concurrency: 2 } },
    { id: 'one', key: KEYS.one, limits: { max_concurrency: 1 } },
    { id: 'headers', key: KEYS.headers, limits: { rpm: 5, tpm: 10_000 } },
    { id: 'free', key: KEYS.free },
  ],
  teams: [{ id: 'shared', limits: { rpm: 3 } }],
  providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: 'upstream-key' } },
  models: {
    'echo-model': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
    'up/*': { deployments: [{ provider: 'upstream' }] },
  },
});

beforeAll(async () => {
  nats = await startNats();
  redis = await startRedis({ ignoreEnv: true });
  fake = await startFakeOpenAI();
  gw = await startGateway(nats.url, document(redis.url));
  // A second policy replica: its own NATS connection and its own Redis client.
  const log = createLogger({ name: 'e2e-policy-2', level: 'silent' });
  replica.nc = await connectBus({ url: nats.url, name: 'e2e-policy-2', log });
  replica.presence = createPresence(replica.nc);
  replica.policy = await startPolicy({ nc: replica.nc, presence: replica.presence, log, config: gw.config });
});

afterAll(async () => {
  await replica.policy?.stop();
  await replica.presence?.stop();
  await replica.nc?.drain();
  await gw?.stop();
  await fake?.stop();
  await redis?.stop();
  await nats?.stop();
});

const chat = (key: string, content: string, extra: Record<string, unknown> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo-model', messages: [{ role: 'user', content }], ...extra }),
  });

/** Requests the fake upstream received whose last message says `tag`. */
const upstreamSaw = (tag: string): number =>
  fake.requests.filter((r) => JSON.stringify(r.body).includes(tag)).length;

/** Polls an async check (`waitUntil` takes synchronous ones) until it holds. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sends until the request is not refused for concurrency: a slot is freed when the completion event
 * of the previous request has been processed, milliseconds after its answer.
 */
async function untilAdmitted(send: () => Promise<Response>): Promise<Response> {
  let res: Response | undefined;
  await eventually(async () => {
    res = await send();
    if (res.status !== 429) return true;
    await res.body?.cancel();
    return false;
  });
  return res!;
}

const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe('requests per minute', () => {
  it('lets exactly 10 of 50 concurrent requests through a 10-per-minute key across two policy replicas', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => chat(KEYS.rpm, `burst ${i} rpm-burst`)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect(upstreamSaw('rpm-burst')).toBe(10);
    const refused = answers.find((r) => r.status === 429)!;
    expect(await errorOf(refused)).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    await Promise.all(answers.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));
  });
});

describe('tokens per minute', () => {
  it('refuses concurrent requests whose reservations exceed the limit before they reach the upstream', async () => {
    // Each reserves its prompt (about 10 tokens) plus max_tokens 150: two fit in 400, the rest do not.
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => chat(KEYS.tpm, `tokens ${i} tpm-burst`, { max_tokens: 150 })),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(2);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(3);
    expect(upstreamSaw('tpm-burst')).toBe(2);
    const refused = answers.find((r) => r.status === 429)!;
    expect((await errorOf(refused)).message).toMatch(/tokens per min \(TPM\): Limit 400/);

    // The answers used a few tokens each, not 150: the rest is given back once they are reconciled.
    // Without that, the next 160 would not fit for 12 s (the limit refills at 400 a minute).
    await eventually(
      async () => (await chat(KEYS.tpm, 'after tpm-refund', { max_tokens: 150 })).status === 200,
    );
  });

  it('refuses a request too large for the limit outright', async () => {
    const res = await chat(KEYS.tpm, 'too large tpm-large', { max_tokens: 1000 });
    expect(res.status).toBe(429);
    expect((await errorOf(res)).message).toMatch(/Request too large .* Limit 400, Requested \d+/);
    expect(upstreamSaw('tpm-large')).toBe(0);
  });
});

describe('team limits', () => {
  it('share one limit between the keys of a team', async () => {
    const statuses: number[] = [];
    for (const key of [KEYS.teamA, KEYS.teamB, KEYS.teamA, KEYS.teamB]) {
      const res = await chat(key, 'team team-shared');
      statuses.push(res.status);
      if (res.status === 429) expect((await errorOf(res)).message).toMatch(/team 'shared'/);
      else await res.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('concurrency', () => {
  it('refuses the request over the in-flight limit, and admits again once one completes', async () => {
    const slow = (i: number) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.conc}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'up/slow-1500',
          messages: [{ role: 'user', content: `slow ${i} conc-slow` }],
        }),
      });
    const inFlight = [slow(1), slow(2)];
    await waitUntil(() => upstreamSaw('conc-slow') === 2);
    const third = await chat(KEYS.conc, 'third conc-third');
    expect(third.status).toBe(429);
    expect((await errorOf(third)).message).toMatch(/in flight .* Limit 2/);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(upstreamSaw('conc-third')).toBe(0);

    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200]);
    expect((await untilAdmitted(() => chat(KEYS.conc, 'fourth conc-fourth'))).status).toBe(200);
  });

  it('frees the slot when a stream ends and when a request fails', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEYS.one, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'echo-model',
      messages: [{ role: 'user', content: 'stream one-stream' }],
      stream: true,
    });
    for await (const _ of stream) {
      // Read to the end.
    }
    await untilAdmitted(() => chat(KEYS.one, 'after the stream'));

    const failing = () =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.one}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'up/fail-400', messages: [{ role: 'user', content: 'fail' }] }),
      });
    expect((await untilAdmitted(failing)).status).toBe(400);
    expect((await untilAdmitted(() => chat(KEYS.one, 'after the failure'))).status).toBe(200);
  });
});

describe('rate-limit headers', () => {
  it('are on every answer, success and 429 alike, as OpenAI sends them, with Retry-After on the 429', async () => {
    const first = await chat(KEYS.headers, 'headers one', { max_tokens: 100 });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+(\.\d+)?s|\d+ms)$/);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('10000');
    const remainingTokens = Number(first.headers.get('x-ratelimit-remaining-tokens'));
    expect(remainingTokens).toBeLessThan(10_000 - 100);
    expect(remainingTokens).toBeGreaterThan(10_000 - 150);
    expect(first.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+(\.\d+)?s|\d+ms)$/);

    for (let i = 0; i < 4; i++) expect((await chat(KEYS.headers, `headers ${i}`)).status).toBe(200);
    const refused = await chat(KEYS.headers, 'headers over');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    // One request comes back every 12 s.
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect(refused.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+(\.\d+)?s$/);
    expect((await errorOf(refused)).message).toMatch(/Limit 5, Used 5, Requested 1/);
  });

  it('are absent for a key without rate limits', async () => {
    const res = await chat(KEYS.free, 'no headers');
    expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    await res.body?.cancel();
  });
});

// Last: it takes Redis down.
describe('while Redis is unreachable', () => {
  it('fails closed with 503 by default, tells operators, and recovers when Redis returns', async () => {
    const alarms: StoreUnavailable[] = [];
    const sub = gw.nc.subscribe(Subjects.events.storeUnavailable, {
      callback: (_err, msg) => alarms.push(msg.json<StoreUnavailable>()),
    });
    await redis.stop();
    const res = await chat(KEYS.rpm, 'redis down');
    expect(res.status).toBe(503);
    expect((await errorOf(res)).message).toMatch(/cannot be checked/);
    // A key without limits needs no Redis.
    expect((await chat(KEYS.free, 'no limits')).status).toBe(200);
    await waitUntil(() => alarms.some((a) => a.service === 'policy' && a.action === 'fail_closed'));
    sub.unsubscribe();

    await redis.start();
    await eventually(async () => (await chat(KEYS.rpm, 'redis back')).status === 200, 15_000);
  });

  it('fails open when configured to: requests go through unlimited', async () => {
    // Only the fail-open policy consumes requests now.
    await gw.stopService('policy');
    await replica.policy?.stop();
    replica.policy = undefined;
    const open = await startGateway(nats.url, document(redis.url, 'open'));
    try {
      await redis.stop();
      const res = await fetch(`${open.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.rpm}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo-model', messages: [{ role: 'user', content: 'fail open' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    } finally {
      await redis.start();
      await open.stop();
    }
  });
});
