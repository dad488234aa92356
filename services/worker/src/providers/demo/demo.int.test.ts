import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ops } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import {
  chatBody,
  jsonOf,
  startWorkerHarness,
  type WorkerHarness,
} from '../../test-support/worker-harness.js';

let h: WorkerHarness;

beforeAll(async () => {
  h = await startWorkerHarness({ providers: { demo: { type: 'demo', chunk_delay_ms: 10 } } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const GREETING = "Hello from Switchyard's demo provider. You said:";

describe('demo provider', () => {
  it('answers a whole chat.completion that OpenAI clients accept, with usage', async () => {
    const sent = h.send('demo', chatBody('hi there'), { upstreamModel: 'demo-1' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    const answer = jsonOf(frame!);
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer).toMatchObject({
      object: 'chat.completion',
      model: 'demo-1',
      choices: [
        { index: 0, message: { role: 'assistant', content: `${GREETING} hi there` }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 },
    });
    expect(answer['id']).toMatch(/^chatcmpl-demo-/);
    expect(await h.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      usage: { prompt_tokens: 2, completion_tokens: 9 },
    });
  });

  it('streams a role chunk, one chunk per word with the configured delay, a stop chunk, then done', async () => {
    const sent = h.send('demo', chatBody('stream please'), { upstreamModel: 'demo-1', stream: true });
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map(jsonOf);
    for (const chunk of chunks) expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
    type Choice = { delta: { role?: string; content?: string }; finish_reason: string | null };
    const choices = chunks.map((c) => (c['choices'] as Choice[])[0]);
    expect(choices[0]!.delta.role).toBe('assistant');
    expect(choices.at(-1)!.finish_reason).toBe('stop');
    expect(choices.map((c) => c?.delta.content ?? '').join('')).toBe(`${GREETING} stream please`);
    expect(chunks.length).toBe(2 + 9); // role + 9 words + stop
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    // 8 gaps of 10 ms between the 9 word chunks.
    expect(sent.received.at(-1)!.at - sent.received[0]!.at).toBeGreaterThanOrEqual(70);
    expect(await h.eventOf(sent.requestId)).toMatchObject({ stream: true, usage: { total_tokens: 11 } });
  });

  it('ends the stream with a usage chunk when the caller asks for it', async () => {
    const body = chatBody('with usage', { stream: true, stream_options: { include_usage: true } });
    const frames = await h.send('demo', body, { upstreamModel: 'demo-1', stream: true }).frames;
    const usageChunk = jsonOf(frames.at(-2)!);
    expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', usageChunk);
    expect(usageChunk).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 },
    });
  });

  it('stops streaming when the deadline passes, with a timeout error frame', async () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const frames = await h.send('demo', chatBody(words), {
      upstreamModel: 'demo-1',
      stream: true,
      deadlineInMs: 100,
    }).frames;
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 504, errorCode: 'timeout' });
  });
});

describe('demo provider embeddings', () => {
  const embed = (body: object) => h.send('demo', body, { upstreamModel: 'demo-embed', op: Ops.embeddings });

  it('answers a list of 8-dimension vectors that OpenAI clients accept, with usage', async () => {
    const sent = embed({ model: 'alias', input: ['hello world', 'hello world', 'bye'] });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    const answer = jsonOf(frame!) as { data: { index: number; embedding: number[] }[] };
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer).toMatchObject({ object: 'list', model: 'demo-embed', usage: { prompt_tokens: 5 } });
    expect(answer.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 8],
      [1, 8],
      [2, 8],
    ]);
    expect(answer.data[1]!.embedding).toEqual(answer.data[0]!.embedding);
    expect(answer.data[2]!.embedding).not.toEqual(answer.data[0]!.embedding);
    const event = await h.eventOf(sent.requestId);
    expect(event).toMatchObject({
      op: 'embeddings',
      status: 200,
      stream: false,
      usage: { prompt_tokens: 5 },
    });
    expect(event).not.toHaveProperty('cost_usd'); // the demo model has no price
  });

  it('answers base64 when asked', async () => {
    const [frame] = await embed({ model: 'alias', input: 'hello', encoding_format: 'base64' }).frames;
    const answer = jsonOf(frame!) as { data: { embedding: string }[] };
    expect(Buffer.from(answer.data[0]!.embedding, 'base64')).toHaveLength(8 * 4);
  });
});
