import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-e2e-0123456789';
const ALIAS_TIMEOUT_MS = 1_000;
const IDLE_MS = 500;

let nats: ServiceHandle;
let fake: FakeOpenAI;
let stalling: StallingUpstream;
let gw: TestGateway;
let client: OpenAI;

/**
 * An OpenAI-compatible upstream that streams a role chunk and one word, then goes silent while
 * keeping the connection open: the testkit fakes hang before the first byte, never mid-stream.
 */
interface StallingUpstream {
  url: string;
  /** Streams whose connection the gateway closed. */
  closed(): number;
  stop(): Promise<void>;
}

async function startStallingUpstream(): Promise<StallingUpstream> {
  let closed = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.once('close', () => closed++);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const chunk = (delta: object) =>
        `data: ${JSON.stringify({
          id: 'chatcmpl-stall',
          object: 'chat.completion.chunk',
          created: Math.floor(Date.now() / 1000),
          model: 'gpt-4o',
          choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
        })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hello' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    closed: () => closed,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  nats = await startNats();
  // Chunks 150 ms apart: a whole stream lasts longer than the idle timeout, no gap does.
  fake = await startFakeOpenAI({ chunkDelayMs: 150 });
  stalling = await startStallingUpstream();
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 30_000 },
    master_key: MASTER,
    providers: {
      openai: { type: 'openai-compatible', base_url: fake.url },
      stalling: { type: 'openai-compatible', base_url: stalling.url },
    },
    models: {
      hangs: { deployments: [{ provider: 'openai', model: 'hang' }], timeout_ms: ALIAS_TIMEOUT_MS },
      'hangs-long': { deployments: [{ provider: 'openai', model: 'hang' }] },
      stalls: { deployments: [{ provider: 'stalling', model: 'gpt-4o' }], stream_idle_timeout_ms: IDLE_MS },
      chat: { deployments: [{ provider: 'openai', model: 'gpt-4o' }], stream_idle_timeout_ms: IDLE_MS },
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await gw?.stop();
  await stalling?.stop();
  await fake?.stop();
  await nats?.stop();
});

const ask = (model: string, headers: Record<string, string> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { headers });

/** The error a call fails with, and how long it took. */
async function failure(call: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('the call succeeded');
}

describe('per-alias timeout', () => {
  it("answers 504 at the alias's timeout, long before the gateway's", async () => {
    const { err, ms } = await failure(() => ask('hangs'));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 504, type: 'timeout_error' });
    expect(ms).toBeGreaterThanOrEqual(ALIAS_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(ALIAS_TIMEOUT_MS + 4_000);
  });

  it("answers a stream hanging before its first byte with 504 at the caller's deadline", async () => {
    const { err, ms } = await failure(() =>
      client.chat.completions.create(
        { model: 'hangs-long', messages: [{ role: 'user', content: 'hi' }], stream: true },
        { headers: { 'x-switchyard-timeout-ms': '800' } },
      ),
    );
    expect(err).toMatchObject({ status: 504 });
    expect(ms).toBeLessThan(5_000);
  });
});

describe('stream idle timeout', () => {
  it('ends a stream that goes silent with an error the SDK raises, and closes the upstream call', async () => {
    const stream = await client.chat.completions.create({
      model: 'stalls',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    const { err } = await failure(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    });
    expect(text).toBe('Hello');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/sent nothing for 500 ms/);
    await waitUntil(() => stalling.closed() === 1);
  });

  it('leaves a stream that keeps sending alone, however long it lasts', async () => {
    const started = Date.now();
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: one two three four five');
    expect(Date.now() - started).toBeGreaterThan(IDLE_MS);
  });
});
