import { GatewayError, Headers, Subjects } from '@switchyard/contracts';
import { startNats, waitUntil } from '@switchyard/testkit';
import { connect, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplier } from './replier.js';

let nats: { url: string; stop(): Promise<void> };
let nc: NatsConnection;
const stored: Msg[] = [];
const encoder = new TextEncoder();

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url, name: 'answer-capture-test' });
  nc.subscribe(Subjects.cacheStore, { callback: (err, msg) => err || stored.push(msg) });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

const request = (key: string, maxBytes = 10_000) => {
  const h = natsHeaders();
  h.set(Headers.cacheKey, key);
  h.set(Headers.cacheTtlMs, '60000');
  h.set(Headers.cacheMaxBytes, String(maxBytes));
  return h;
};
const chunk = (o: object) =>
  encoder.encode(JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', ...o }));
const storedFor = async (key: string): Promise<Msg> => {
  await waitUntil(() => stored.some((m) => m.headers?.get(Headers.cacheKey) === key));
  return stored.find((m) => m.headers?.get(Headers.cacheKey) === key)!;
};

describe('answer capture (a request stamped with sy-cache-key)', () => {
  it('stores a streamed answer assembled from its chunks, with the cost and the usage of the result', async () => {
    const reply = createReplier(nc, undefined, request('k-stream'));
    reply.chunk(
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }] }),
    );
    reply.chunk(chunk({ choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] }));
    reply.chunk(
      chunk({
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } },
              ],
            },
            finish_reason: null,
          },
        ],
      }),
    );
    reply.chunk(
      chunk({
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      }),
    );
    reply.done({ usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 }, cost: 0.25 });

    const msg = await storedFor('k-stream');
    expect(msg.headers?.get(Headers.cacheCost)).toBe('0.25');
    expect(msg.headers?.get(Headers.cacheTtlMs)).toBe('60000');
    expect(msg.json()).toEqual({
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello',
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  it('stores a whole answer as it came', async () => {
    const body = '{"object":"chat.completion","choices":[]}';
    createReplier(nc, undefined, request('k-whole')).response(encoder.encode(body), {});
    expect((await storedFor('k-whole')).string()).toBe(body);
  });

  it('stores nothing past the size bound, nor for an error, and says the answer failed', async () => {
    const big = createReplier(nc, undefined, request('k-big', 50));
    big.chunk(chunk({ choices: [{ index: 0, delta: { content: 'x'.repeat(100) }, finish_reason: null }] }));
    big.done({});
    createReplier(nc, undefined, request('k-error')).error(new GatewayError('upstream_error', 'boom'));
    for (const key of ['k-big', 'k-error']) {
      const msg = await storedFor(key);
      expect(msg.headers?.get(Headers.cacheOutcome)).toBe('failed');
      expect(msg.data.byteLength).toBe(0);
    }
  });

  it('captures nothing for a request the cache did not stamp', async () => {
    const before = stored.length;
    createReplier(nc, undefined, natsHeaders()).response(encoder.encode('{}'), {});
    await nc.flush();
    expect(stored.length).toBe(before);
  });
});
