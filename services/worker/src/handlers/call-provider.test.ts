import { natsHeaders, type Replier, type StageRequest } from '@switchyard/bus';
import { Headers, Ops, type GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createInFlight } from '../domain/in-flight.js';
import type { ProviderAdapter } from '../providers/types.js';
import { createCallProvider } from './call-provider.js';
import { parseConfig } from '@switchyard/config';
import { createDeploymentSlots } from '../concurrency/deployment-slots.js';

/** A replier that records what the handler sent. */
function recordingReply(): Replier & { sent: { kind: string; result?: unknown }[] } {
  const sent: { kind: string; result?: unknown }[] = [];
  return {
    sent,
    chunk: () => void sent.push({ kind: 'chunk' }),
    done: (result) => void sent.push({ kind: 'done', result }),
    response: (_data, result) => void sent.push({ kind: 'response', result }),
    error: () => void sent.push({ kind: 'error' }),
    get finished() {
      return sent.some((s) => s.kind !== 'chunk');
    },
    get started() {
      return sent.length > 0;
    },
  };
}

const usage = { prompt_tokens: 1_000, completion_tokens: 0, total_tokens: 1_000 };
const chatOnly: ProviderAdapter = {
  call: async (_call, reply) => reply.response(new Uint8Array(), { usage }),
  close: async () => undefined,
};
const withEmbeddings: ProviderAdapter = {
  ...chatOnly,
  embed: async (call, reply) => {
    expect(call.stream).toBe(false);
    reply.response(new Uint8Array(), { usage });
  },
};

function handlerFor(adapter: ProviderAdapter) {
  return createCallProvider({
    providerId: 'acme',
    adapter,
    inFlight: createInFlight(),
    slots: createDeploymentSlots(parseConfig({}), []),
    defaultTimeoutMs: 5_000,
    onCancelled: () => undefined,
    priceOf: (model) => (model === 'priced' ? { input: 0.02, output: 0 } : undefined),
  });
}

function request(op: string, model = 'priced'): StageRequest & { reply: ReturnType<typeof recordingReply> } {
  const headers = natsHeaders();
  headers.set(Headers.op, op);
  headers.set(Headers.upstreamModel, model);
  // A stream flag must not turn an embeddings call into a stream.
  headers.set(Headers.stream, 'true');
  const data = new TextEncoder().encode(JSON.stringify({ model: 'alias', input: 'hello' }));
  return { subject: 'test', data, headers, reply: recordingReply() };
}

describe('createCallProvider by op', () => {
  it('answers 400 for embeddings on a provider without them, before calling it', async () => {
    const req = request(Ops.embeddings);
    const err = (await Promise.resolve(handlerFor(chatOnly)(req)).catch((e: unknown) => e)) as GatewayError;
    expect(err).toMatchObject({ name: 'GatewayError', code: 'invalid_request', provider: 'acme' });
    expect(err.status).toBe(400);
    expect(err.message).toBe('Provider acme does not support embeddings.');
    expect(req.reply.sent).toEqual([]);
  });

  it("serves embeddings through the adapter's embed, priced like any answer", async () => {
    const req = request(Ops.embeddings);
    await handlerFor(withEmbeddings)(req);
    expect(req.reply.sent).toEqual([{ kind: 'response', result: { usage, cost: 0.00002 } }]);

    const unpriced = request(Ops.embeddings, 'unknown-model');
    await handlerFor(withEmbeddings)(unpriced);
    expect(unpriced.reply.sent).toEqual([{ kind: 'response', result: { usage } }]);
  });

  it('refuses an op no provider serves', async () => {
    const err = await Promise.resolve(handlerFor(withEmbeddings)(request('images.generations'))).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'invalid_request' });
  });
});
