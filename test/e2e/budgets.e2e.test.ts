import {
  startFakeOpenAI,
  startNats,
  startRedis,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// Budgets through every service: cost from the upstream's usage at the configured price, counted
// in Redis from completion events, checked on admission.
const MASTER = 'sk-budgets-master-0123456789';
const KEYS = {
  capped: 'sk-budgets-capped-0123456789',
  ops1: 'sk-budgets-ops-1-0123456789',
  ops2: 'sk-budgets-ops-2-0123456789',
};

// Ids unique to this run: a shared Redis (REDIS_URL) keeps spend from earlier runs.
const RUN = Date.now();

let nats: ServiceHandle;
let redis: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  nats = await startNats();
  redis = await startRedis();
  fake = await startFakeOpenAI();
  gw = await startGateway(nats.url, {
    master_key: MASTER,
    redis: { url: redis.url },
    keys: [
      { id: `capped-${RUN}`, key: KEYS.capped, budget: { max_usd: 12, period: 'daily' } },
      { id: 'ops-1', key: KEYS.ops1, team: `ops-${RUN}` },
      { id: 'ops-2', key: KEYS.ops2, team: `ops-${RUN}` },
    ],
    teams: [{ id: `ops-${RUN}`, budget: { max_usd: 6 } }],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: 'upstream-key' } },
    models: { 'echo-model': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] } },
    // One dollar a token: the fake counts a word as a token, so "budget test" costs $5
    // (2 prompt tokens, 3 in "Echo: budget test").
    pricing: { 'gpt-4o-mini': { input: 1_000_000, output: 1_000_000 } },
  });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await redis?.stop();
  await nats?.stop();
});

const clientFor = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string) =>
  clientFor(key).chat.completions.create({
    model: 'echo-model',
    messages: [{ role: 'user', content: 'budget test' }],
  });

interface SpendReport {
  spend_usd: number;
  budget_usd: number | null;
  remaining_usd: number | null;
  period: string;
  period_id: string;
  resets_at: string | null;
}

const spendOf = async (query: string): Promise<{ status: number; body: SpendReport }> => {
  const res = await fetch(`${gw.url}/admin/spend?${query}`, {
    headers: { authorization: `Bearer ${MASTER}` },
  });
  return { status: res.status, body: (await res.json()) as SpendReport };
};

/** Spend is counted from completion events, off the request path: it shows a moment after the answer. */
async function spendReaches(query: string, usd: number): Promise<SpendReport> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { body } = await spendOf(query);
    if (body.spend_usd >= usd - 1e-9) return body;
    if (Date.now() > deadline) throw new Error(`spend of ${query} stayed at ${body.spend_usd}, not ${usd}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const cappedId = () => gw.config.keys[0]!.id;
const teamId = () => gw.config.teams[0]!.id;

describe('a key budget', () => {
  it('admits requests until the spend reaches it, then refuses with insufficient_quota', async () => {
    for (const expected of [5, 10, 15]) {
      const answer = await ask(KEYS.capped);
      expect(answer.usage?.total_tokens).toBe(5);
      await spendReaches(`key_id=${cappedId()}`, expected);
    }
    const before = fake.requests.length;
    const refused = await ask(KEYS.capped).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect((refused as Error).message).toMatch(/spent \$15\.0000 of its daily budget of \$12/);
    expect(fake.requests.length).toBe(before);
  });

  it('is readable through the admin API: spend, budget and what remains this period', async () => {
    const { status, body } = await spendOf(`key_id=${cappedId()}`);
    expect(status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(body).toMatchObject({
      period: 'daily',
      period_id: today,
      spend_usd: 15,
      budget_usd: 12,
      remaining_usd: 0,
    });
    expect(Date.parse(body.resets_at!)).toBe(Date.parse(`${today}T00:00:00Z`) + 86_400_000);
  });
});

describe('a team budget', () => {
  it('is shared by the keys of the team', async () => {
    await ask(KEYS.ops1);
    await spendReaches(`team=${teamId()}`, 5);
    // $5 of $6: still admitted, and it takes the team over.
    await ask(KEYS.ops2);
    const report = await spendReaches(`team=${teamId()}`, 10);
    expect(report).toMatchObject({ period: 'monthly', budget_usd: 6, remaining_usd: 0 });
    await expect(ask(KEYS.ops1)).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' });
    // Each key's own spend is counted too, though neither has a budget of its own.
    expect((await spendOf('key_id=ops-2')).body).toMatchObject({
      spend_usd: 5,
      budget_usd: null,
      remaining_usd: null,
    });
  });
});

describe('the spend API', () => {
  it('answers 404 for a key that does not exist and 400 without a key or team', async () => {
    expect((await spendOf('key_id=nobody')).status).toBe(404);
    expect((await spendOf('')).status).toBe(400);
  });
});
