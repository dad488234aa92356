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
import { Headers, StageNames, Subjects, isGatewayError, type GatewayError } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import { startNats } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCache } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });

let nats: { url: string; stop(): Promise<void> };
let cacheNc: NatsConnection;
let cachePresence: Presence;
let cache: RunningService;
let testNc: NatsConnection;
let testPresence: Presence;
let inbox: ReplyInbox;
let router: Stage | undefined;
const received: { subject: string; body: string; headers: Record<string, string> }[] = [];

function send(body: string, headers: Record<string, string>): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no terminal frame')), 5_000);
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const reply = inbox.open((frame: Frame | GatewayError) => {
      if (isGatewayError(frame)) return reject(frame);
      clearTimeout(timer);
      reply.close();
      resolve(frame);
    });
    testNc.publish(Subjects.cache, body, { reply: reply.subject, headers: h });
  });
}

beforeAll(async () => {
  nats = await startNats();
  cacheNc = await connectBus({ url: nats.url, name: 'cache', log });
  cachePresence = createPresence(cacheNc);
  cache = await startCache({ nc: cacheNc, presence: cachePresence, log, config: parseConfig({}) });
  testNc = await connectBus({ url: nats.url, name: 'test', log });
  testPresence = createPresence(testNc);
  inbox = createReplyInbox(testNc);
  // Stands in for the router: records what the cache forwarded and answers the requester.
  router = await startStage({
    nc: testNc,
    presence: testPresence,
    log,
    name: StageNames.router,
    queue: 'fake-router',
    subjects: [Subjects.route],
    handle: (req) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) headers[k] = v[0] ?? '';
      received.push({ subject: req.subject, body: Buffer.from(req.data).toString('utf8'), headers });
      req.reply.response(new TextEncoder().encode('{"from":"router"}'));
      return undefined;
    },
  });
});

afterAll(async () => {
  await cache?.stop();
  await router?.stop(0);
  inbox?.stop();
  await testPresence?.stop();
  await cachePresence?.stop();
  await testNc?.close();
  await cacheNc?.close();
  await nats?.stop();
});

describe('cache (pass-through until the lookup exists)', () => {
  it('forwards the request to the router unchanged, and the router answers the requester', async () => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    const headers = { [Headers.requestId]: 'req-9', [Headers.model]: 'gpt-4o', [Headers.keyId]: 'app' };
    const frame = await send(body, headers);
    expect(Buffer.from(frame.data).toString('utf8')).toBe('{"from":"router"}');
    expect(received).toEqual([{ subject: Subjects.route, body, headers }]);
  });

  it('answers 503 at once when no router runs', async () => {
    await router!.stop(0);
    for (let i = 0; i < 100 && cachePresence.isAlive(StageNames.router); i++)
      await new Promise((r) => setTimeout(r, 20));
    const frame = await send('{}', { [Headers.requestId]: 'req-10' });
    expect(frame.status).toBe(503);
  });
});
