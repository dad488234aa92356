import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig } from '@switchyard/config';
import type { ProviderAdapter } from '../types.js';
import { toDemoChunks, toDemoCompletion, type DemoUsage } from './demo-completion.js';
import { toDemoEmbeddings } from './demo-embeddings.js';
import { countTokens, demoAnswer, promptTokens, splitIntoDeltas } from './demo-text.js';

export type DemoConfig = Extract<ProviderConfig, { type: 'demo' }>;

const encoder = new TextEncoder();
const encode = (value: object): Uint8Array => encoder.encode(JSON.stringify(value));

/**
 * The built-in offline provider: no network, no key, a predictable answer. It makes `npm start`
 * useful in a minute and lets every stage be exercised without a real model.
 */
export function createDemoAdapter(_providerId: string, config: DemoConfig): ProviderAdapter {
  return {
    async call(call, reply) {
      const text = demoAnswer(call.body['messages']);
      const prompt = promptTokens(call.body['messages']);
      const completion = countTokens(text);
      const usage: DemoUsage = {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      };
      const meta = {
        id: `chatcmpl-demo-${randomBytes(12).toString('hex')}`,
        created: Math.floor(Date.now() / 1000),
        model: call.upstreamModel,
      };
      if (!call.stream) {
        reply.response(encode(toDemoCompletion(meta, text, usage)), { usage });
        return;
      }
      const chunks = toDemoChunks(meta, splitIntoDeltas(text), call.includeUsage ? usage : undefined);
      reply.chunk(encode(chunks.role));
      for (const [i, word] of chunks.words.entries()) {
        // A real timer, so streaming is visible in a terminal; it gives up when the call is aborted.
        if (i > 0 && config.chunk_delay_ms > 0)
          await sleep(config.chunk_delay_ms, undefined, { signal: call.signal });
        reply.chunk(encode(word));
      }
      reply.chunk(encode(chunks.finish));
      if (chunks.usage) reply.chunk(encode(chunks.usage));
      reply.done({ usage });
    },
    async embed(call, reply) {
      const { answer, usage } = toDemoEmbeddings(call.body, call.upstreamModel);
      reply.response(encode(answer), { usage });
    },
    close: async () => undefined,
  };
}
