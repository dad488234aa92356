import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startFakeOpenAI, waitUntil, type FakeOpenAI } from '@switchyard/testkit';
import { startWorker } from './service.js';
import { chatBody, startWorkerHarness, type WorkerHarness } from './test-support/worker-harness.js';

let fake: FakeOpenAI;
let hanging: Server;
/** Upstream sockets the hanging server has seen closed. */
let closedSockets = 0;
let acceptedRequests = 0;
let h: WorkerHarness;
let configDoc: object;
/** Streams a few events, then hangs until the worker closes the socket: a stream to cancel mid-way. */
let midStream: Server;
const PARTIAL_CHUNKS = 4;

const sse = (event: string | undefined, data: object): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;

function midStreamEvents(url: string): string[] {
  if (url.endsWith('/v1/messages')) {
    const deltas = Array.from({ length: PARTIAL_CHUNKS }, (_, i) =>
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: `w${i} ` },
      }),
    );
    return [
      sse('message_start', {
        type: 'message_start',
        message: { id: 'msg_1', model: 'claude-haiku-4-5', usage: { input_tokens: 42, output_tokens: 1 } },
      }),
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      ...deltas,
    ];
  }
  const chunk = (delta: object): string =>
    sse(undefined, {
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: null }],
    });
  return [
    chunk({ role: 'assistant', content: '' }),
    ...Array.from({ length: PARTIAL_CHUNKS }, (_, i) => chunk({ content: `w${i}` })),
  ];
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  // Never answers, and counts the sockets the worker closes: the proof that a cancel reached upstream.
  hanging = createServer((req) => {
    acceptedRequests++;
    req.socket.once('close', () => closedSockets++);
    req.resume();
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const port = (hanging.address() as AddressInfo).port;
  midStream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of midStreamEvents(req.url ?? '')) res.write(event);
  });
  await new Promise<void>((resolve) => midStream.listen(0, '127.0.0.1', resolve));
  const midPort = (midStream.address() as AddressInfo).port;
  configDoc = {
    providers: {
      openai: { type: 'openai-compatible', base_url: fake.url },
      hanging: { type: 'openai-compatible', base_url: `http://127.0.0.1:${port}/v1` },
      demo: { type: 'demo', chunk_delay_ms: 20 },
      partialclaude: {
        type: 'anthropic',
        base_url: `http://127.0.0.1:${midPort}`,
        api_key: 'sk-ant-test-abcdefgh',
      },
      partialoai: { type: 'openai-compatible', base_url: `http://127.0.0.1:${midPort}/v1` },
      unserved: { type: 'openai-compatible', base_url: fake.url },
    },
  };
  h = await startWorkerHarness(configDoc, {
    providers: ['openai', 'hanging', 'demo', 'partialclaude', 'partialoai'],
  });
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
  hanging?.closeAllConnections();
  await new Promise((resolve) => hanging?.close(resolve));
  midStream?.closeAllConnections();
  await new Promise((resolve) => midStream?.close(resolve));
});

const waitFor = (check: () => boolean, timeoutMs = 3_000): Promise<void> =>
  waitUntil(check, { timeoutMs, intervalMs: 10 });

describe('worker service', () => {
  it('aborts the upstream call on cancel, sends no frame, and still accounts for the request', async () => {
    const before = acceptedRequests;
    const sent = h.send('hanging', chatBody('hi'), { upstreamModel: 'anything' });
    await waitFor(() => acceptedRequests > before);
    const closedBefore = closedSockets;
    h.nc.publish(Subjects.cancel, sent.requestId);
    await waitFor(() => closedSockets > closedBefore, 2_000);
    expect(await h.eventOf(sent.requestId)).toMatchObject({
      status: 499,
      error_code: 'cancelled',
      provider: 'hanging',
    });
    await sleep(200);
    expect(sent.received).toEqual([]);
  });

  it('cancels the fake provider hang model the same way', async () => {
    const sent = h.send('openai', chatBody('hi'), { upstreamModel: 'hang' });
    await waitFor(() => fake.requests.some((r) => (r.body as { model?: string }).model === 'hang'));
    h.nc.publish(Subjects.cancel, sent.requestId);
    expect(await h.eventOf(sent.requestId)).toMatchObject({ status: 499, error_code: 'cancelled' });
    await sleep(100);
    expect(sent.received).toEqual([]);
  });

  it('stops a demo stream mid-way on cancel: no further chunk and no done', async () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    const sent = h.send('demo', chatBody(words), { upstreamModel: 'demo-1', stream: true });
    await waitFor(() => sent.received.length >= 3);
    h.nc.publish(Subjects.cancel, sent.requestId);
    await h.eventOf(sent.requestId);
    const count = sent.received.length;
    await sleep(150);
    expect(sent.received.length).toBe(count);
    expect(sent.received.every((r) => r.frame.kind === 'chunk')).toBe(true);
  });

  it('accounts a cancelled Anthropic stream with the counts Anthropic reported so far', async () => {
    const sent = h.send('partialclaude', chatBody('hi'), { upstreamModel: 'claude-haiku-4-5', stream: true });
    // The role chunk, then one chunk per text delta.
    await waitFor(() => sent.received.length >= 1 + PARTIAL_CHUNKS);
    h.nc.publish(Subjects.cancel, sent.requestId);
    const event = await h.eventOf(sent.requestId);
    expect(event).toMatchObject({
      status: 499,
      error_code: 'cancelled',
      // message_start's input count; the output count (1 there) raised to the chunks forwarded.
      usage: { prompt_tokens: 42, completion_tokens: PARTIAL_CHUNKS, total_tokens: 42 + PARTIAL_CHUNKS },
      usage_estimated: true,
    });
    expect(event.cost_usd).toBeGreaterThan(0);
  });

  it('estimates the usage of a cancelled OpenAI-compatible stream from the chunks forwarded', async () => {
    const sent = h.send('partialoai', chatBody('hi'), { upstreamModel: 'm', stream: true });
    await waitFor(() => sent.received.length >= 1 + PARTIAL_CHUNKS);
    h.nc.publish(Subjects.cancel, sent.requestId);
    expect(await h.eventOf(sent.requestId)).toMatchObject({
      status: 499,
      error_code: 'cancelled',
      usage: { prompt_tokens: 0, completion_tokens: PARTIAL_CHUNKS, total_tokens: PARTIAL_CHUNKS },
      usage_estimated: true,
    });
  });

  it('serves only the providers it was given', async () => {
    await expect(h.nc.request(Subjects.provider('unserved'), '{}', { timeout: 1_000 })).rejects.toThrow(
      /no responders/i,
    );
  });

  it('refuses to start for a provider the config does not define', async () => {
    const presence = createPresence(h.nc);
    const deps = {
      nc: h.nc,
      presence,
      log: createLogger({ name: 't', level: 'silent' }),
      config: parseConfig(configDoc),
    };
    await expect(startWorker(deps, { providers: ['nope'] })).rejects.toThrow(
      /Unknown provider "nope".*openai, hanging/,
    );
    await presence.stop();
  });

  it('answers an invalid JSON body with a 400 frame', async () => {
    const [frame] = await h.send('demo', '{not json', { upstreamModel: 'demo-1' }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 400, 'invalid_request']);
  });

  // Last: it stops the worker.
  it('finishes in-flight calls on stop, then takes no more messages', async () => {
    const sent = h.send('openai', chatBody('still here'), { upstreamModel: 'slow-300' });
    await waitFor(() => fake.requests.some((r) => (r.body as { model?: string }).model === 'slow-300'));
    await h.stopWorker();
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    await expect(h.nc.request(Subjects.provider('openai'), '{}', { timeout: 1_000 })).rejects.toThrow(
      /no responders/i,
    );
  });
});
