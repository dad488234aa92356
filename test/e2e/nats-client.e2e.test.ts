import {
  SwitchyardClient,
  connectSwitchyard,
  isSwitchyardError,
  type ConnectedSwitchyardClient,
} from '@switchyard/client';
import { RequestCompleted, Subjects } from '@switchyard/contracts';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// A batch job's view through the TypeScript client: no HTTP, the documented subjects and frames.
const KEY = 'sk-client-e2e-0123456789';
let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let client: ConnectedSwitchyardClient;
const events: RequestCompleted[] = [];

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI();
  gw = await startGateway(nats.url, {
    keys: [{ id: 'batch', key: KEY, models: ['*'] }],
    providers: {
      demo: { type: 'demo', chunk_delay_ms: 0 },
      upstream: { type: 'openai-compatible', base_url: fake.url },
    },
    models: {
      demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] },
      embed: { deployments: [{ provider: 'upstream', model: 'text-embedding-3-small' }] },
      'up/*': { deployments: [{ provider: 'upstream' }] },
    },
  });
  gw.nc.subscribe(Subjects.events.requestCompleted, {
    callback: (_err, msg) => void events.push(RequestCompleted.parse(msg.json())),
  });
  client = await connectSwitchyard({ servers: nats.url, apiKey: KEY });
});

afterAll(async () => {
  await client?.close();
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

const messages = [{ role: 'user' as const, content: 'from the client' }];

/** The rejection of `promise`, which must reject. */
async function failureOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSwitchyardError(err)) throw new Error(`expected a SwitchyardError, got ${String(err)}`);
  return err;
}

describe('the TypeScript NATS client against the running pipeline', () => {
  it('chat: a whole completion, logged under the caller’s request id', async () => {
    const answer = await client.chat({ model: 'demo', messages }, { requestId: 'client-chat-1' });
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]!.message.content).toContain('You said: from the client');
    await expect
      .poll(() => events.find((e) => e.request_id === 'client-chat-1'))
      .toMatchObject({ status: 200 });
  });

  it('stream: chunks in order, ending when the stream is done', async () => {
    let text = '';
    let chunks = 0;
    for await (const chunk of client.stream({ model: 'demo', messages })) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      chunks++;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toContain('You said: from the client');
  });

  it('embeddings', async () => {
    const answer = await client.embeddings({ model: 'embed', input: ['a', 'b'] });
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
  });

  it('refused without a key: SwitchyardError 401 with OpenAI’s error body', async () => {
    const keyless = new SwitchyardClient({ nc: client.nc });
    const err = await failureOf(keyless.chat({ model: 'demo', messages }));
    keyless.close();
    expect(err.status).toBe(401);
    expect(err.code).toBe('unauthenticated');
    expect(err.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    // A stream fails the same way, at its first step.
    const streamErr = await failureOf(
      (async () => {
        for await (const _ of new SwitchyardClient({ nc: client.nc, apiKey: 'sk-wrong-00000000' }).stream({
          model: 'demo',
          messages,
        }));
      })(),
    );
    expect(streamErr.status).toBe(401);
  });

  it('timeout: a request past its deadline fails with 504', async () => {
    const started = Date.now();
    const err = await failureOf(client.chat({ model: 'up/slow-5000', messages }, { timeoutMs: 300 }));
    expect(err).toMatchObject({ status: 504, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('cancel: aborting the signal rejects with 499 and the worker aborts its upstream call', async () => {
    const hangs = () => fake.requests.filter((r) => (r.body as { model?: string }).model === 'hang').length;
    const before = hangs();
    const abort = new AbortController();
    const pending = client.chat(
      { model: 'up/hang', messages },
      { signal: abort.signal, requestId: 'client-cancel-1' },
    );
    await expect.poll(hangs).toBe(before + 1);
    abort.abort();
    expect(await failureOf(pending)).toMatchObject({
      status: 499,
      code: 'cancelled',
      requestId: 'client-cancel-1',
    });
    await expect
      .poll(() => events.find((e) => e.request_id === 'client-cancel-1'))
      .toMatchObject({ status: 499, error_code: 'cancelled' });
  });
});
