import type { UsagePage, UsageRow } from '@switchyard/contracts';
import {
  startFakeOpenAI,
  startNats,
  startRedis,
  type FakeOpenAI,
  type RedisHandle,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-usage-0123456789';
const APP_KEY = 'sk-app-usage-0123456789';
const ADS_KEY = 'sk-ads-usage-0123456789';
const UPSTREAM_KEY = 'upstream-secret-key';
/** USD per million tokens. */
const PRICE = { input: 0.5, output: 2 };

let nats: ServiceHandle;
let redis: RedisHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
const since = Date.now();

beforeAll(async () => {
  [nats, redis, fake] = await Promise.all([
    startNats(),
    startRedis(),
    startFakeOpenAI({ apiKey: UPSTREAM_KEY }),
  ]);
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    redis: { url: redis.url },
    keys: [
      { id: 'app', key: APP_KEY, team: 'search', models: ['*'] },
      { id: 'ads', key: ADS_KEY, team: 'ads', models: ['metered'] },
    ],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY } },
    pricing: { 'upstream/*': { input: PRICE.input, output: PRICE.output } },
    models: {
      metered: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      premium: { deployments: [{ provider: 'upstream', model: 'gpt-4o' }] },
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([fake?.stop(), redis?.stop(), nats?.stop()]);
});

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${what}`);
}

const usage = (query: string, key = MASTER): Promise<Response> =>
  fetch(`${gw.url}/admin/usage${query}`, { headers: { authorization: `Bearer ${key}` } });

const rowsOf = async (query: string): Promise<UsageRow[]> => {
  const res = await usage(query);
  expect(res.status).toBe(200);
  const page = (await res.json()) as UsagePage;
  expect(page.object).toBe('list');
  return page.data;
};

type Totals = Pick<UsageRow, 'requests' | 'errors' | 'prompt_tokens' | 'completion_tokens' | 'cost_usd'>;
const zero = (): Totals => ({ requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 });

describe('usage roll-ups', () => {
  /** What the upstream reported, as the callers saw it, by key, team and model. */
  const expected = {
    key: new Map<string, Totals>(),
    team: new Map<string, Totals>(),
    model: new Map<string, Totals>(),
  };
  const add = (
    who: { key: string; team: string; model: string },
    u?: OpenAI.CompletionUsage | null,
  ): void => {
    for (const [group, value] of [
      ['key', who.key],
      ['team', who.team],
      ['model', who.model],
    ] as const) {
      const t = expected[group].get(value) ?? zero();
      t.requests++;
      if (u === undefined) t.errors++;
      else {
        expect(u).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
        t.prompt_tokens += u!.prompt_tokens;
        t.completion_tokens += u!.completion_tokens;
        t.cost_usd += (u!.prompt_tokens * PRICE.input + u!.completion_tokens * PRICE.output) / 1e6;
      }
      expected[group].set(value, t);
    }
  };

  it('adds up exactly what the upstream reported, per key, team and model, streams included', async () => {
    const app = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: APP_KEY, maxRetries: 0 });
    const ads = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: ADS_KEY, maxRetries: 0 });
    const appWho = (model: string) => ({ key: 'app', team: 'search', model });

    for (const [client, who, model, content] of [
      [app, appWho('metered'), 'metered', 'one'],
      [app, appWho('premium'), 'premium', 'one two three'],
      [ads, { key: 'ads', team: 'ads', model: 'metered' }, 'metered', 'a longer prompt with more words'],
    ] as const) {
      add(
        who,
        (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).usage,
      );
    }
    const stream = await app.chat.completions.create({
      model: 'metered',
      messages: [{ role: 'user', content: 'stream with usage' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) streamed = chunk.usage ?? streamed;
    add(appWho('metered'), streamed);
    // A stream whose caller did not ask for usage is metered from the usage the worker asks the
    // upstream for; the fake's usage depends on the messages only, so the same request unstreamed
    // tells what it is.
    const quiet = { model: 'premium', messages: [{ role: 'user' as const, content: 'quiet stream' }] };
    const quietUsage = (await app.chat.completions.create(quiet)).usage;
    add(appWho('premium'), quietUsage);
    for await (const chunk of await app.chat.completions.create({ ...quiet, stream: true }))
      expect(chunk.usage ?? undefined).toBeUndefined();
    add(appWho('premium'), quietUsage);
    // Refused by policy: a request and an error, no tokens.
    await expect(
      ads.chat.completions.create({ model: 'premium', messages: [{ role: 'user', content: 'no' }] }),
    ).rejects.toMatchObject({ status: 403 });
    add({ key: 'ads', team: 'ads', model: 'premium' });

    const total = [...expected.key.values()].reduce((n, t) => n + t.requests, 0);
    const byKey = await until(async () => {
      const rows = await rowsOf(`?group_by=key&since=${since}`);
      return rows.reduce((n, r) => n + r.requests, 0) === total ? rows : undefined;
    }, 'every request rolled up');

    const today = new Date().toISOString().slice(0, 10);
    const check = (rows: UsageRow[], field: 'key_id' | 'team' | 'model', want: Map<string, Totals>): void => {
      expect(rows.map((r) => r[field]).sort()).toEqual([...want.keys()].sort());
      for (const row of rows) {
        const w = want.get(row[field]!)!;
        expect(row).toMatchObject({
          day: today,
          requests: w.requests,
          errors: w.errors,
          prompt_tokens: w.prompt_tokens,
          completion_tokens: w.completion_tokens,
          cached_tokens: 0,
          cache_hits: 0,
          saved_usd: 0,
        });
        expect(row.cost_usd).toBeCloseTo(w.cost_usd, 12);
      }
    };
    check(byKey, 'key_id', expected.key);
    check(await rowsOf(`?group_by=team&since=${since}`), 'team', expected.team);
    check(await rowsOf(`?group_by=model&since=${since}`), 'model', expected.model);
  });

  it('filters by key, team and model, and by day', async () => {
    const appRows = await rowsOf(`?group_by=model&key_id=app&since=${since}`);
    expect(appRows.map((r) => r.model).sort()).toEqual(['metered', 'premium']);
    expect(appRows.every((r) => r.key_id === undefined)).toBe(true);
    expect(
      (await rowsOf(`?group_by=key&team=ads&model=metered&since=${since}`)).map((r) => r.key_id),
    ).toEqual(['ads']);
    // ISO dates work too; yesterday has nothing.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(await rowsOf(`?since=${yesterday}T00:00:00Z&until=${yesterday}T23:59:59Z`)).toEqual([]);
  });

  it('answers the master key only, and a bad query with a 400 naming the parameter', async () => {
    expect((await usage('', APP_KEY)).status).toBe(403);
    expect((await fetch(`${gw.url}/admin/usage`)).status).toBe(401);
    const bad = await usage('?group_by=user');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'group_by' } });
    const tooLong = await usage('?since=2000-01-01');
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { param: 'since' } });
  });
});
