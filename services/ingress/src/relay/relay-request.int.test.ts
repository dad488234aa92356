import { natsHeaders } from '@switchyard/bus';
import { GatewayError, Headers } from '@switchyard/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD, STREAM, readUntil, startChatHarness, type ChatHarness } from '../fixtures/chat-harness.js';
import { chunk, json } from '../fixtures/openai-bodies.js';

let h: ChatHarness;

beforeAll(async () => {
  h = await startChatHarness({ server: { request_timeout_ms: 5_000 } });
});

afterAll(async () => {
  await h?.stop();
});

describe('streams', () => {
  it('streams chunk by chunk to the SDK, ending at [DONE]', async () => {
    h.pipeline.handle(async (req) => {
      for (const word of ['Hello', ' world', '!']) {
        req.reply.chunk(json(chunk(word)));
        await new Promise((r) => setTimeout(r, 5));
      }
      req.reply.chunk(json(chunk('', 'stop')));
      req.reply.done();
    });
    const stream = await h.client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('Hello world!');
    expect(finish).toBe('stop');
    expect(h.header(Headers.stream)).toBe('true');
  });

  it('writes each chunk as soon as it arrives, with SSE headers', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.pipeline.handle(async (req) => {
      req.reply.chunk(json(chunk('first')));
      await gate;
      req.reply.chunk(json(chunk('second')));
      req.reply.done();
    });
    const res = await h.post(STREAM);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-request-id')).toBe(h.header(Headers.requestId));

    // The second chunk is not even sent until the first one has reached the client.
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(`data: ${JSON.stringify(chunk('first'))}\n\n`);
    release();
    reader.releaseLock();
    expect(await readUntil(res)).toBe(`data: ${JSON.stringify(chunk('second'))}\n\ndata: [DONE]\n\n`);
  });

  it('ends a stream that fails midway with an in-stream error and no [DONE]; the SDK throws', async () => {
    h.pipeline.handle((req) => {
      req.reply.chunk(json(chunk('partial')));
      req.reply.error(new GatewayError('upstream_error', 'The provider closed the stream.'));
    });
    const text = await readUntil(await h.post(STREAM));
    expect(text).toBe(
      `data: ${JSON.stringify(chunk('partial'))}\n\n` +
        'data: {"error":{"message":"The provider closed the stream.","type":"server_error","param":null,"code":"upstream_error"}}\n\n',
    );

    const stream = await h.client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const seen: string[] = [];
    const iterate = async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    };
    await expect(iterate()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(seen).toEqual(['partial']);
  });

  it('ends the stream with an error when a frame goes missing, and cancels the upstream work', async () => {
    h.pipeline.handle((req) => {
      req.reply.chunk(json(chunk('one')));
      const frame = natsHeaders();
      frame.set(Headers.frame, 'chunk');
      frame.set(Headers.seq, '2'); // frame 1 was "lost"
      h.t.nc.publish(req.msg.reply!, json(chunk('three')), { headers: frame });
    });
    const res = await h.post(STREAM);
    const text = await readUntil(res);
    expect(text.startsWith(`data: ${JSON.stringify(chunk('one'))}\n\n`)).toBe(true);
    expect(text).toContain('"code":"upstream_error"');
    expect(text).not.toContain('three');
    expect(text).not.toContain('[DONE]');
    await expect.poll(() => h.t.cancels).toContain(res.headers.get('x-request-id'));
  });

  it('keeps every chunk, in order, for a client that reads slower than the stream comes', async () => {
    const big = 'x'.repeat(32 * 1024);
    const count = 300;
    let sent!: () => void;
    const allSent = new Promise<void>((resolve) => (sent = resolve));
    h.pipeline.handle((req) => {
      for (let i = 0; i < count; i++) req.reply.chunk(json(chunk(`${i}:${big}`)));
      req.reply.done();
      sent();
    });
    const res = await h.post(STREAM);
    await allSent;
    // Nothing was read while ~10 MB were sent: the socket filled up and the ingress had to hold frames.
    await new Promise((r) => setTimeout(r, 200));
    const events = (await readUntil(res)).split('\n\n').filter((e) => e !== '');
    expect(events).toHaveLength(count + 1);
    events.slice(0, count).forEach((event, i) => {
      const parsed = JSON.parse(event.slice('data: '.length)) as ReturnType<typeof chunk>;
      expect(parsed.choices[0]!.delta.content).toBe(`${i}:${big}`);
    });
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('cancels the upstream work when the client goes away mid-stream', async () => {
    h.pipeline.handle((req) => req.reply.chunk(json(chunk('never finishes'))));
    const abort = new AbortController();
    const res = await h.post(STREAM, {}, abort.signal);
    const requestId = res.headers.get('x-request-id');
    await readUntil(res, (text) => text.includes('never finishes'));
    abort.abort();
    await expect.poll(() => h.t.cancels).toContain(requestId);
    await h.expectStillServing();
  });
});

describe('answers the ingress gives when the pipeline does not', () => {
  it('a stage that never answers → 504 at the deadline, counted, and the upstream work cancelled', async () => {
    h.pipeline.handle(() => undefined);
    const started = Date.now();
    const res = await h.post(GOOD, { 'x-switchyard-timeout-ms': '300' });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('timeout');
    const requestId = res.headers.get('x-request-id');
    await expect
      .poll(() => h.t.events.find((e) => e.request_id === requestId))
      .toMatchObject({ status: 504, error_code: 'timeout', model: 'gpt-test' });
    expect(h.t.cancels).toContain(requestId);
    await h.expectStillServing();
  });

  it('a stream that stalls past the deadline ends with an in-stream timeout error', async () => {
    h.pipeline.handle((req) => req.reply.chunk(json(chunk('slow'))));
    const text = await readUntil(await h.post(STREAM, { 'x-switchyard-timeout-ms': '300' }));
    expect(text).toContain('slow');
    expect(text).toContain('"code":"timeout"');
    expect(text).not.toContain('[DONE]');
  });

  it('no pipeline listening → 503 at once, counted; served again once it is back', async () => {
    await h.pipeline.stop();
    try {
      const started = Date.now();
      const res = await h.post(GOOD);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_000);
      const body = (await res.json()) as { error: { type: string; code: string } };
      expect(body.error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
      const requestId = res.headers.get('x-request-id');
      await expect
        .poll(() => h.t.events.find((e) => e.request_id === requestId))
        .toMatchObject({ status: 503, error_code: 'unavailable' });
    } finally {
      await h.restartPipeline();
    }
    await h.expectStillServing();
  });
});
