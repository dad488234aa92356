import {
  connectBus,
  createPresence,
  createReplyInbox,
  natsHeaders,
  startStage,
  type Frame,
  type NatsConnection,
  type Presence,
  type ReplyInbox,
  type Stage,
} from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import {
  Headers,
  ModelList,
  Ops,
  StageNames,
  Subjects,
  isGatewayError,
  type GatewayError,
} from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import { startNats } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRouter } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });
const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const config = parseConfig({
  providers: { openai: upstream, anthropic: upstream },
  models: {
    'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o-2024-08-06' }] },
    claude: { deployments: [{ provider: 'anthropic', model: 'claude-sonnet-4' }] },
    'openai/*': { deployments: [{ provider: 'openai' }] },
  },
});

interface Received {
  subject: string;
  body: string;
  headers: Record<string, string>;
}

let nats: { url: string; stop(): Promise<void> };
let routerNc: NatsConnection;
let routerPresence: Presence;
let router: RunningService;
let testNc: NatsConnection;
let testPresence: Presence;
let inbox: ReplyInbox;
let worker: Stage;
const received: Received[] = [];

function send(headers: Record<string, string>, body = '{}'): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no terminal frame')), 5_000);
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const reply = inbox.open((frame: Frame | GatewayError) => {
      if (isGatewayError(frame)) return reject(frame);
      if (frame.kind === 'chunk') return;
      clearTimeout(timer);
      reply.close();
      resolve(frame);
    });
    testNc.publish(Subjects.route, body, { reply: reply.subject, headers: h });
  });
}

const json = (frame: Frame): unknown => JSON.parse(Buffer.from(frame.data).toString('utf8'));
const chat = (model: string) => ({
  [Headers.op]: Ops.chatCompletions,
  [Headers.model]: model,
  [Headers.requestId]: 'req-1',
  [Headers.keyId]: 'app',
});

beforeAll(async () => {
  nats = await startNats();
  routerNc = await connectBus({ url: nats.url, name: 'router', log });
  routerPresence = createPresence(routerNc);
  router = await startRouter({ nc: routerNc, presence: routerPresence, log, config });
  testNc = await connectBus({ url: nats.url, name: 'test', log });
  testPresence = createPresence(testNc);
  inbox = createReplyInbox(testNc);
  // Stands in for the OpenAI workers: records what the router forwarded and answers.
  worker = await startStage({
    nc: testNc,
    presence: testPresence,
    log,
    name: StageNames.provider('openai'),
    queue: 'fake-worker',
    subjects: [Subjects.provider('openai')],
    handle: (req) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) headers[k] = v[0] ?? '';
      received.push({ subject: req.subject, body: Buffer.from(req.data).toString('utf8'), headers });
      req.reply.response(new TextEncoder().encode('{"ok":true}'));
      return undefined;
    },
  });
});

afterAll(async () => {
  await router?.stop();
  await worker?.stop(0);
  inbox?.stop();
  await testPresence?.stop();
  await routerPresence?.stop();
  await testNc?.close();
  await routerNc?.close();
  await nats?.stop();
});

beforeEach(() => {
  received.length = 0;
});

describe('router', () => {
  it("forwards a chat request to its provider's workers with the deployment stamped", async () => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    const frame = await send(chat('gpt-4o'), body);
    expect(frame.kind).toBe('response');
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.subject).toBe(Subjects.provider('openai'));
    expect(got.body).toBe(body);
    expect(got.headers).toMatchObject({
      [Headers.provider]: 'openai',
      [Headers.deployment]: 'openai/gpt-4o-2024-08-06',
      [Headers.upstreamModel]: 'gpt-4o-2024-08-06',
      [Headers.attempt]: '1',
      [Headers.requestId]: 'req-1',
      [Headers.keyId]: 'app',
    });
  });

  it('passes the rest of a wildcard alias upstream', async () => {
    await send(chat('openai/gpt-4.1-mini'));
    expect(received[0]!.headers).toMatchObject({
      [Headers.upstreamModel]: 'gpt-4.1-mini',
      [Headers.deployment]: 'openai/gpt-4.1-mini',
    });
  });

  it('answers 404 in the OpenAI shape for an unknown model', async () => {
    const frame = await send(chat('gpt-5-ultra'));
    expect(frame.status).toBe(404);
    expect(json(frame)).toEqual({
      error: {
        message: "The model 'gpt-5-ultra' does not exist or you do not have access to it.",
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(received).toHaveLength(0);
  });

  it("answers 503 at once when no worker for the model's provider runs", async () => {
    // Right after start a presence counts unknown stages as alive; wait until that has passed.
    for (let i = 0; i < 200 && routerPresence.isAlive(StageNames.provider('anthropic')); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const started = Date.now();
    const frame = await send(chat('claude'));
    expect(frame.status).toBe(503);
    expect(Buffer.from(frame.data).toString('utf8')).toContain('provider.anthropic');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lists the models the key may use', async () => {
    const frame = await send({ [Headers.op]: Ops.models, [Headers.allowedModels]: 'gpt-4o*,openai/*' }, '');
    expect(frame.kind).toBe('response');
    const list = ModelList.parse(json(frame));
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4o', 'openai/*']);
    expect(list.data[0]!.owned_by).toBe('openai');
    expect(Math.abs(list.data[0]!.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('lists every model for a key allowed everything', async () => {
    const frame = await send({ [Headers.op]: Ops.models, [Headers.allowedModels]: '*' }, '');
    expect(ModelList.parse(json(frame)).data.map((m) => m.id)).toEqual(['gpt-4o', 'claude', 'openai/*']);
  });
});
