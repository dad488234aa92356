import { createHash, randomBytes } from 'node:crypto';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { connectSwitchyard, type ConnectedSwitchyardClient } from '@switchyard/client';
import { BODY_BUCKET, Headers, Ops, Subjects } from '@switchyard/contracts';
import {
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// NATS at its default 1 MB max_payload: every body here is many times what a message carries.
const KEY = 'sk-large-e2e-0123456789';
const BODY_LIMIT = 32 * 1024 * 1024;

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let openai: OpenAI;
let client: ConnectedSwitchyardClient;
/** A batch job's raw connection. */
let raw: NatsConnection;
let bodies: ObjectStore;

beforeAll(async () => {
  nats = await startNats({ maxPayload: '1MB', ignoreEnv: true });
  fake = await startFakeOpenAI();
  gw = await startGateway(nats.url, {
    server: { port: 0, body_limit_bytes: BODY_LIMIT, request_timeout_ms: 30_000 },
    keys: [{ id: 'app', key: KEY, models: ['*'] }],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url } },
    models: { 'up/*': { deployments: [{ provider: 'upstream' }] } },
  });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  client = await connectSwitchyard({ servers: nats.url, apiKey: KEY });
  raw = await connect({ servers: nats.url });
  bodies = await new Objm(raw).create(BODY_BUCKET);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await raw?.close();
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A data URL of `bytes` random bytes, as an app sends an image inline. */
const imageUrl = (bytes: number): string => `data:image/png;base64,${randomBytes(bytes).toString('base64')}`;

/** The image URL the fake provider received in the last chat request. */
function receivedImageUrl(): string {
  const body = fake.requests.at(-1)!.body as {
    messages: { content: { type: string; image_url?: { url: string } }[] }[];
  };
  return body.messages[0]!.content.find((p) => p.type === 'image_url')!.image_url!.url;
}

/** Objects left in the bucket: none once every request is done. */
const leftovers = async (): Promise<number> => (await bodies.list()).length;

describe('bodies larger than a NATS message travel by claim check', () => {
  it('a 20 MB chat request with an inline image reaches the provider intact, and leaves nothing behind', async () => {
    const url = imageUrl(15 * 1024 * 1024); // 20 MB once base64-encoded
    const answer = await openai.chat.completions.create({
      model: 'up/gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in this picture' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });

    expect(answer.object).toBe('chat.completion');
    expect(sha256(receivedImageUrl())).toBe(sha256(url));
    await waitUntil(async () => (await leftovers()) === 0);
  });

  it('an embeddings answer too large for a message comes back whole', async () => {
    const input = Array.from({ length: 120 }, (_, i) => `passage number ${i}`);
    const answer = await openai.embeddings.create({
      model: 'up/text-embedding-3-small',
      input,
      dimensions: 1536,
    });

    expect(answer.data).toHaveLength(120);
    expect(answer.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(answer.data.every((d) => d.embedding.length === 1536)).toBe(true);
    // Over the 1 MB a message may carry, so it did come by claim check.
    expect(JSON.stringify(answer).length).toBeGreaterThan(1024 * 1024);
    await waitUntil(async () => (await leftovers()) === 0);
  });

  it('a large request over the WebSocket is answered like any other', async () => {
    const ws = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/v1/ws`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const frames: { type: string; id?: string; status?: number }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await waitUntil(() => frames.some((f) => f.type === 'ready'));
    const url = imageUrl(3 * 1024 * 1024);
    const content = [{ type: 'image_url', image_url: { url } }];
    ws.send(
      JSON.stringify({
        type: 'request',
        id: 'big',
        body: { model: 'up/gpt-4o', messages: [{ role: 'user', content }] },
      }),
    );

    await waitUntil(() => frames.some((f) => f.id === 'big' && f.type === 'response'), { timeoutMs: 10_000 });
    ws.close();
    expect(sha256(receivedImageUrl())).toBe(sha256(url));
  });

  it('a body over server.body_limit_bytes is still refused with 413', async () => {
    const url = imageUrl(BODY_LIMIT);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'up/gpt-4o',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
      }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('a NATS caller (the client) sends a large body and reads a large answer', async () => {
    const url = imageUrl(3 * 1024 * 1024);
    const answer = await client.chat({
      model: 'up/gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
    });
    expect(answer.object).toBe('chat.completion');
    expect(sha256(receivedImageUrl())).toBe(sha256(url));

    const input = Array.from({ length: 80 }, (_, i) => `line ${i}`);
    const embeddings = await client.embeddings({
      model: 'up/text-embedding-3-small',
      input,
      dimensions: 1536,
    });
    expect(embeddings.data).toHaveLength(80);
    await waitUntil(async () => (await leftovers()) === 0);
  });

  it('a reference to a body that does not exist is the caller’s 400, in OpenAI’s shape', async () => {
    const h = natsHeaders();
    h.set(Headers.authorization, `Bearer ${KEY}`);
    h.set(Headers.bodyRef, `${BODY_BUCKET}/never-stored`);
    const reply = await raw.request(Subjects.entry(Ops.chatCompletions), new Uint8Array(0), {
      headers: h,
      timeout: 5_000,
    });

    expect(reply.headers?.get(Headers.status)).toBe('400');
    const body = reply.json<{ error: { type: string; message: string } }>();
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('does not exist');
  });
});
