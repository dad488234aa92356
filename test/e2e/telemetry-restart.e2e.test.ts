import { jetstreamManager } from '@nats-io/jetstream';
import { natsHeaders } from '@switchyard/bus';
import { EVENTS_STREAM, Subjects, type UsagePage } from '@switchyard/contracts';
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

const MASTER = 'sk-master-restart-0123456789';
const APP_KEY = 'sk-app-restart-0123456789';
const UPSTREAM_KEY = 'upstream-secret-key';

let nats: ServiceHandle;
let redis: RedisHandle;
let fake: FakeOpenAI;
let gw: TestGateway;

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
    keys: [{ id: 'app', key: APP_KEY, team: 'search', models: ['*'] }],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY } },
    models: { metered: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] } },
  });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([fake?.stop(), redis?.stop(), nats?.stop()]);
});

interface Seen {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const usageTotals = async (): Promise<Seen> => {
  const res = await fetch(`${gw.url}/admin/usage?group_by=key&key_id=app`, {
    headers: { authorization: `Bearer ${MASTER}` },
  });
  expect(res.status).toBe(200);
  const rows = ((await res.json()) as UsagePage).data;
  return rows.reduce(
    (t, r) => ({
      requests: t.requests + r.requests,
      prompt_tokens: t.prompt_tokens + r.prompt_tokens,
      completion_tokens: t.completion_tokens + r.completion_tokens,
    }),
    { requests: 0, prompt_tokens: 0, completion_tokens: 0 },
  );
};

/** Every event in the stream delivered to telemetry and acknowledged. */
const consumerCaughtUp = async (): Promise<boolean> => {
  const jsm = await jetstreamManager(gw.nc);
  const info = await jsm.consumers.info(EVENTS_STREAM, 'telemetry');
  return info.num_pending === 0 && info.num_ack_pending === 0;
};

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${what}`);
}

describe('telemetry restarted mid-run', () => {
  it('replays the events it missed from the stream, and counts none twice', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: APP_KEY, maxRetries: 0 });
    const seen: Seen = { requests: 0, prompt_tokens: 0, completion_tokens: 0 };
    const send = async (n: number, label: string): Promise<void> => {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const answer = await client.chat.completions.create({
            model: 'metered',
            messages: [{ role: 'user', content: `${label} request ${i} ${'word '.repeat(i)}` }],
          });
          seen.requests++;
          seen.prompt_tokens += answer.usage!.prompt_tokens;
          seen.completion_tokens += answer.usage!.completion_tokens;
        }),
      );
    };

    await send(6, 'before');
    // Stopped while the first events may still be on their way to it.
    await gw.stopService('telemetry');
    await send(6, 'while down');
    await gw.startService('telemetry');
    await send(6, 'after');

    await until(async () => (await usageTotals()).requests >= seen.requests, 'every request rolled up');
    await until(consumerCaughtUp, 'the events consumer caught up');
    expect(await usageTotals()).toEqual(seen);

    // A replayed event (as after a crash between adding it and acknowledging it) adds nothing:
    // republish a stored event under another message id, so the stream keeps it as new.
    const jsm = await jetstreamManager(gw.nc);
    const stored = await jsm.streams.getMessage(EVENTS_STREAM, { seq: 1 });
    const headers = natsHeaders();
    headers.set('Nats-Msg-Id', 'replayed-copy');
    gw.nc.publish(Subjects.events.requestCompleted, stored!.data, { headers });
    await gw.nc.flush();
    const copy = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    expect(copy).toBe(seen.requests + 1);
    await until(
      async () => (await jsm.consumers.info(EVENTS_STREAM, 'telemetry')).delivered.stream_seq >= copy,
      'the copy delivered',
    );
    await until(consumerCaughtUp, 'the copy acknowledged');
    expect(await usageTotals()).toEqual(seen);

    // The same request id published twice within the window is stored once.
    gw.nc.publish(Subjects.events.requestCompleted, stored!.data, { headers });
    await gw.nc.flush();
    expect((await jsm.streams.info(EVENTS_STREAM)).state.messages).toBe(seen.requests + 1);
  });
});
