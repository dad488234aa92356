import { Headers, type UsagePage } from '@switchyard/contracts';
import { connectBus, type NatsConnection } from '@switchyard/bus';
import { startNats, startRedis, type RedisHandle, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// Every service in one process with `server.local_dispatch` (`switchyard all` with the setting on):
// a request and its answer never cross NATS; its events still do, for other processes and the
// events stream, and the process's own subscribers get them directly.

const MASTER = 'sk-master-single-0123456789';
const ONE_AT_A_TIME = 'sk-one-single-0123456789';

let nats: ServiceHandle;
let redis: RedisHandle;
let gw: TestGateway;
/** Another process, watching what NATS carries. */
let observer: NatsConnection;
const seen = new Map<string, number>();
let frames = 0;
const count = (prefix: string): number =>
  [...seen].filter(([s]) => s.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);

beforeAll(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis({ ignoreEnv: true })]);
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000, local_dispatch: true },
    master_key: MASTER,
    redis: { url: redis.url },
    policy: { signing_secret: 'single-e2e-signing-secret-0123456789' },
    keys: [{ id: 'one', key: ONE_AT_A_TIME, limits: { max_concurrency: 1 } }],
    providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
    models: { demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] } },
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  observer = await connectBus({ url: nats.url, name: 'single-observer', log: quiet });
  observer.subscribe('llm.>', { callback: (_, m) => seen.set(m.subject, (seen.get(m.subject) ?? 0) + 1) });
  // Inboxes also carry JetStream's deliveries and acknowledgements: only reply frames count here.
  observer.subscribe('_INBOX.>', {
    callback: (_, m) => {
      if (m.headers?.get(Headers.frame)) frames++;
    },
  });
  await observer.flush();
});

afterAll(async () => {
  await observer?.close();
  await gw?.stop();
  await Promise.all([nats?.stop(), redis?.stop()]);
});

const client = () => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: ONE_AT_A_TIME, maxRetries: 0 });
const ask = (content: string) => ({ model: 'demo', messages: [{ role: 'user' as const, content }] });

describe('every service in one process with local dispatch', () => {
  it('answers requests one after another for a key allowed one at a time: its slot is free before its answer', async () => {
    for (let i = 0; i < 30; i++) {
      const answer = await client().chat.completions.create(ask(`turn ${i}`));
      expect(answer.choices[0]?.message.content).toContain(`You said: turn ${i}`);
    }
  });

  it('streams an answer whose chunks arrive in order', async () => {
    let text = '';
    for await (const chunk of await client().chat.completions.create({ ...ask('in order'), stream: true }))
      text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('You said: in order');
  });

  it('puts no request, hop or answer on NATS, and every completion event', async () => {
    await Promise.all([gw.nc.flush(), observer.flush()]);
    expect(frames).toBe(0);
    expect(count('llm.v1.stage.')).toBe(0);
    expect(count('llm.v1.chat.')).toBe(0);
    expect(count('llm.v1.validated.')).toBe(0);
    expect(seen.get('llm.v1.events.request.completed')).toBe(31);
  });

  it('rolls every request up once, from the events stream', async () => {
    await expect
      .poll(
        async () => {
          const res = await fetch(`${gw.url}/admin/usage?group_by=key`, {
            headers: { authorization: `Bearer ${MASTER}` },
          });
          const page = (await res.json()) as UsagePage;
          return page.data.find((r) => r.key_id === 'one')?.requests;
        },
        { timeout: 10_000 },
      )
      .toBe(31);
  });
});
