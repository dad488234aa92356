import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatBody, startWorkerHarness, type WorkerHarness } from '../test-support/worker-harness.js';

// An upstream that counts how many calls it holds at once, answering each after 150 ms.
let upstream: Server;
let inFlight = 0;
let maxInFlight = 0;
let h: WorkerHarness;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'llama-3',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    }, 150);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  h = await startWorkerHarness({
    providers: { up: { type: 'openai-compatible', base_url: `http://127.0.0.1:${port}/v1` } },
    // The harness sends as the router does, naming the deployment `up-deployment` and its limit.
    models: { llama: { deployments: [{ provider: 'up', model: 'llama-3', id: 'up-deployment' }] } },
  });
});

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => upstream?.close(r));
});

describe('a deployment with max_concurrency', () => {
  it('never has more calls upstream than its limit, and answers every request', async () => {
    const sent = Array.from({ length: 6 }, () =>
      h.send('up', chatBody('hi'), { upstreamModel: 'llama-3', maxConcurrency: 2 }),
    );
    const answers = await Promise.all(sent.map((s) => s.frames));
    expect(answers.map((frames) => frames.at(-1)!.kind)).toEqual(Array(6).fill('response'));
    expect(maxInFlight).toBe(2);
  });

  it('answers 504 to a call whose deadline passes while it waits for a slot', async () => {
    const busy = [1, 2].map(() =>
      h.send('up', chatBody('hi'), { upstreamModel: 'llama-3', maxConcurrency: 2 }),
    );
    const waiting = h.send('up', chatBody('hi'), {
      upstreamModel: 'llama-3',
      maxConcurrency: 2,
      deadlineInMs: 50,
    });
    const frames = await waiting.frames;
    expect(frames.at(-1)!.kind).toBe('error');
    expect(frames.at(-1)!.status).toBe(504);
    await Promise.all(busy.map((s) => s.frames));
  });
});
