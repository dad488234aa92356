import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-e2e-0123456789';
const RESEARCH = 'sk-research-e2e-0123456789';
const CHAT_ONLY = 'sk-chat-only-e2e-0123456789';

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI();
  const one = (model: string) => ({ deployments: [{ provider: 'openai', model }] });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 15_000 },
    master_key: MASTER,
    keys: [
      { id: 'research', key: RESEARCH, team: 'research' },
      { id: 'chat-only', key: CHAT_ONLY, models: ['chat', 'cheap'] },
    ],
    teams: [{ id: 'research' }],
    providers: { openai: { type: 'openai-compatible', base_url: fake.url } },
    models: {
      chat: one('gpt-4o'),
      cheap: one('gpt-4o-mini'),
      long: one('gpt-4.1'),
      broken: one('fail-500'),
    },
    router: {
      rules: [
        { when: { tags_any: ['batch'] }, route_to: 'cheap' },
        { when: { team: ['research'] }, route_to: 'cheap' },
        { when: { model: 'chat', min_prompt_tokens: 2_000 }, route_to: 'long' },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

interface Routed {
  /** The model the fake provider was called with. */
  upstream: string | undefined;
  route: string | null;
  deployment: string | null;
}

/** Asks for `chat` (unless told otherwise) with the caller headers given. */
async function ask(
  headers: Record<string, string>,
  options: { key?: string; content?: string; model?: string } = {},
): Promise<Routed> {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: options.key ?? MASTER, maxRetries: 0 });
  const since = fake.requests.length;
  const { response } = await client.chat.completions
    .create(
      { model: options.model ?? 'chat', messages: [{ role: 'user', content: options.content ?? 'hello' }] },
      { headers },
    )
    .withResponse();
  const last = fake.requests.slice(since).at(-1)?.body as { model?: string } | undefined;
  return {
    upstream: last?.model,
    route: response.headers.get('x-switchyard-route'),
    deployment: response.headers.get('x-switchyard-deployment'),
  };
}

/** The status and OpenAI error of a call that must fail. */
async function refusal(headers: Record<string, string>, key = MASTER) {
  try {
    await ask(headers, { key });
  } catch (err) {
    if (!(err instanceof OpenAI.APIError)) throw err;
    return { status: err.status, param: err.param, message: err.message };
  }
  throw new Error('the call succeeded');
}

describe('routing rules', () => {
  it('routes by none of the rules to the model asked for, and says where it went', async () => {
    expect(await ask({})).toEqual({ upstream: 'gpt-4o', route: 'chat', deployment: 'openai/gpt-4o' });
  });

  it("routes by the caller's tags", async () => {
    expect(await ask({ 'x-switchyard-tags': 'nightly, batch' })).toEqual({
      upstream: 'gpt-4o-mini',
      route: 'cheap',
      deployment: 'openai/gpt-4o-mini',
    });
  });

  it("routes by the key's team", async () => {
    expect(await ask({}, { key: RESEARCH })).toMatchObject({ upstream: 'gpt-4o-mini', route: 'cheap' });
  });

  it('sends a long prompt to the long-context model, a short one not', async () => {
    expect(await ask({}, { content: 'word '.repeat(2_000) })).toMatchObject({
      upstream: 'gpt-4.1',
      route: 'long',
    });
    expect(await ask({}, { content: 'word '.repeat(100) })).toMatchObject({ route: 'chat' });
  });
});

describe('per-request overrides', () => {
  it('takes the route the caller names, over the rules', async () => {
    expect(await ask({ 'x-switchyard-route': 'long', 'x-switchyard-tags': 'batch' })).toMatchObject({
      upstream: 'gpt-4.1',
      route: 'long',
      deployment: 'openai/gpt-4.1',
    });
  });

  it("falls back to the caller's fallbacks, naming the alias that answered", async () => {
    expect(await ask({ 'x-switchyard-route': 'broken', 'x-switchyard-fallbacks': 'cheap' })).toEqual({
      upstream: 'gpt-4o-mini',
      route: 'cheap',
      deployment: 'openai/gpt-4o-mini',
    });
  });

  it("refuses a route or fallback outside the key's models (403) or served by no alias (400)", async () => {
    expect(await refusal({ 'x-switchyard-route': 'long' }, CHAT_ONLY)).toMatchObject({
      status: 403,
      param: 'x-switchyard-route',
    });
    expect(await refusal({ 'x-switchyard-fallbacks': 'cheap,long' }, CHAT_ONLY)).toMatchObject({
      status: 403,
      param: 'x-switchyard-fallbacks',
    });
    expect(await refusal({ 'x-switchyard-route': 'nope' })).toMatchObject({
      status: 400,
      param: 'x-switchyard-route',
      message: expect.stringContaining("'nope'"),
    });
  });
});
