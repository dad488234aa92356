import { GatewayError, Headers, Ops } from '@switchyard/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOOD,
  KEY,
  STREAM,
  readUntil,
  startChatHarness,
  type ChatHarness,
} from '../fixtures/chat-harness.js';
import { COMPLETION, chunk, json } from '../fixtures/openai-bodies.js';

const BODY_LIMIT = 4096;
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let h: ChatHarness;

beforeAll(async () => {
  h = await startChatHarness({ server: { body_limit_bytes: BODY_LIMIT, request_timeout_ms: 5_000 } });
});

afterAll(async () => {
  await h?.stop();
});

describe('JSON answers', () => {
  it('publishes the caller’s own bytes with the request’s metadata, and relays the answer as is', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    // Odd spacing and an unknown field: a re-serialised body would differ.
    const body =
      '{"model":  "gpt-test",\n "messages":[{"role":"user","content":"hi"}], "x_vendor": {"k": 1}}';
    const before = Date.now();
    const res = await h.post(body, { 'x-switchyard-timeout-ms': '2000', traceparent: TRACE });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(JSON.stringify(COMPLETION));
    expect(Buffer.from(h.pipeline.received.at(-1)!.msg.data).toString()).toBe(body);
    expect(h.header(Headers.requestId)).toBe(res.headers.get('x-request-id'));
    expect(h.header(Headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(h.header(Headers.traceparent)).toBe(TRACE);
    expect(h.header(Headers.op)).toBe(Ops.chatCompletions);
    expect(h.header(Headers.model)).toBe('gpt-test');
    expect(h.header(Headers.stream)).toBe('false');
    const receivedAt = Number(h.header(Headers.receivedAt));
    expect(receivedAt).toBeGreaterThanOrEqual(before - 5);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());
    expect(Number(h.header(Headers.deadline)) - receivedAt).toBe(2000);
  });

  it('takes an x-api-key, starts a trace, and applies the configured timeout when the caller sets none', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const res = await fetch(`${h.t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, traceparent: 'not-a-trace' },
      body: GOOD,
    });
    expect(res.status).toBe(200);
    expect(h.header(Headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(h.header(Headers.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(Number(h.header(Headers.deadline)) - Number(h.header(Headers.receivedAt))).toBe(5_000);
  });

  it('reads a body sent as text/plain, or with no content type, as JSON', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    expect((await h.post(GOOD, { 'content-type': 'text/plain' })).status).toBe(200);
    const res = await fetch(`${h.t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: new TextEncoder().encode(GOOD),
    });
    expect(res.status).toBe(200);
  });

  it('gives the OpenAI SDK a completion it parses', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const { data, response } = await h.client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hi there');
    expect(data.usage?.total_tokens).toBe(5);
    expect(response.headers.get('x-request-id')).toBe(h.header(Headers.requestId));
  });

  it('relays an error frame with its status, retry-after and body, raised by the SDK as its error class', async () => {
    h.pipeline.handle((req) =>
      req.reply.error(
        new GatewayError('rate_limited', 'Rate limit reached for key app.', { retryAfterMs: 1500 }),
      ),
    );
    const res = await h.post(GOOD);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1500');
    expect(await res.json()).toEqual({
      error: {
        message: 'Rate limit reached for key app.',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });

    const failure = await h.client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect(failure).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });
});

describe('headers the stages send the caller', () => {
  const tell = (req: { msg: { headers?: { set(k: string, v: string): void } } }): void => {
    req.msg.headers!.set('sy-answer-x-ratelimit-remaining-requests', '7');
    req.msg.headers!.set('sy-answer-x-switchyard-cache', 'MISS');
  };

  it('become HTTP headers of a JSON answer, without their sy-answer- prefix', async () => {
    h.pipeline.handle((req) => {
      tell(req);
      req.reply.response(json(COMPLETION));
    });
    const res = await h.post(GOOD);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('7');
    expect(res.headers.get('x-switchyard-cache')).toBe('MISS');
    expect([...res.headers.keys()].filter((k) => k.startsWith('sy-'))).toEqual([]);
  });

  it('become HTTP headers of a stream and of an error', async () => {
    h.pipeline.handle((req) => {
      tell(req);
      req.reply.chunk(json(chunk('hi')));
      req.reply.done();
    });
    const streamed = await h.post(STREAM);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    expect(streamed.headers.get('x-switchyard-cache')).toBe('MISS');
    await readUntil(streamed);

    h.pipeline.handle((req) => {
      tell(req);
      req.reply.error(new GatewayError('rate_limited', 'Slow down.', { retryAfterMs: 2000 }));
    });
    const refused = await h.post(GOOD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('7');
  });
});

describe('requests the ingress refuses', () => {
  async function expectRefused(res: Response, status: number, code: string, param?: string): Promise<void> {
    const before = h.pipeline.received.length;
    expect(res.status).toBe(status);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^\S+$/);
    const body = (await res.json()) as {
      error: { message: string; type: string; param: unknown; code: unknown };
    };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).not.toBe('');
    if (param !== undefined) expect(body.error.param).toBe(param);
    expect(body.error.code).toBe(code === 'invalid_request' ? null : code);
    // Counted, although no stage saw it …
    expect(h.pipeline.received.length).toBe(before);
    await expect
      .poll(() => h.t.events.find((e) => e.request_id === requestId))
      .toMatchObject({ status, error_code: code, op: Ops.chatCompletions });
    // … and the next request is served.
    await h.expectStillServing();
  }

  it('malformed JSON → 400', async () => {
    const res = await h.post('{"model": "gpt-test", ');
    await expectRefused(res, 400, 'invalid_request');
  });

  it('an empty body → 400', async () => {
    await expectRefused(await h.post(''), 400, 'invalid_request');
  });

  it('missing messages → 400 naming the parameter', async () => {
    await expectRefused(
      await h.post(JSON.stringify({ model: 'gpt-test' })),
      400,
      'invalid_request',
      'messages',
    );
  });

  it('a wrong type → 400 naming the parameter', async () => {
    const body = JSON.stringify({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 'hot',
    });
    await expectRefused(await h.post(body), 400, 'invalid_request', 'temperature');
  });

  it('a model name with a line break → 400', async () => {
    const body = JSON.stringify({ model: 'gpt\r\nx-evil: 1', messages: [{ role: 'user', content: 'x' }] });
    await expectRefused(await h.post(body), 400, 'invalid_request', 'model');
  });

  it('a bad x-switchyard-timeout-ms → 400', async () => {
    await expectRefused(await h.post(GOOD, { 'x-switchyard-timeout-ms': 'soon' }), 400, 'invalid_request');
  });

  it('a body over the limit → 413', async () => {
    const body = JSON.stringify({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }],
    });
    await expectRefused(await h.post(body), 413, 'payload_too_large');
  });
});
