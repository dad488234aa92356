import Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '@switchyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, startChatHarness, type ChatHarness } from '../fixtures/chat-harness.js';
import { HI, postMessages } from '../fixtures/messages-request.js';
import { json } from '../fixtures/openai-bodies.js';

let h: ChatHarness;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startChatHarness({ server: { request_timeout_ms: 5_000, body_limit_bytes: 64 * 1024 } });
  anthropic = new Anthropic({ baseURL: h.t.url, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await h?.stop();
});

const post = (body: unknown): Promise<Response> => postMessages(h.t.url, body);

describe('errors, in Anthropic’s shape', () => {
  async function expectError(res: Response, status: number, type: string, message?: RegExp): Promise<void> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as {
      type: string;
      error: { type: string; message: string };
      request_id: string;
    };
    expect(body).toMatchObject({ type: 'error', error: { type } });
    if (message) expect(body.error.message).toMatch(message);
    expect(body.request_id).toBe(res.headers.get('request-id'));
  }

  it.each([
    ['unauthenticated', 401, 'authentication_error', Anthropic.AuthenticationError],
    ['forbidden', 403, 'permission_error', Anthropic.PermissionDeniedError],
    ['model_not_found', 404, 'not_found_error', Anthropic.NotFoundError],
    ['rate_limited', 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['upstream_error', 502, 'api_error', Anthropic.InternalServerError],
    ['timeout', 504, 'api_error', Anthropic.InternalServerError],
  ] as const)('%s from the pipeline → %i %s, raised by the SDK', async (code, status, type, errorClass) => {
    h.pipeline.handle((req) =>
      req.reply.error(new GatewayError(code, `Refused: ${code}.`, { retryAfterMs: 2_000 })),
    );
    await expectError(await post(HI), status, type, new RegExp(`Refused: ${code}`));
    const failure = await anthropic.messages.create(HI).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(errorClass);
    expect(failure).toMatchObject({ status, type });
  });

  it('passes retry-after along on a rate limit', async () => {
    h.pipeline.handle((req) =>
      req.reply.error(new GatewayError('rate_limited', 'Slow down.', { retryAfterMs: 2_000 })),
    );
    const res = await post(HI);
    expect(res.headers.get('retry-after')).toBe('2');
  });

  it.each([
    ['top_k', { ...HI, top_k: 3 }, /top_k/],
    [
      'a missing max_tokens',
      { model: 'm', messages: HI.messages },
      /Missing required parameter: 'max_tokens'/,
    ],
    ['malformed JSON', '{"model": ', /not valid JSON/],
  ])('refuses %s with 400 before the pipeline, and counts it', async (_what, body, message) => {
    const before = h.pipeline.received.length;
    const res = await post(body);
    const requestId = res.headers.get('request-id');
    await expectError(res, 400, 'invalid_request_error', message);
    expect(h.pipeline.received.length).toBe(before);
    await expect
      .poll(() => h.t.events.find((e) => e.request_id === requestId))
      .toMatchObject({ status: 400, error_code: 'invalid_request' });
    if (typeof body !== 'string') {
      await expect(anthropic.messages.create(body as never)).rejects.toBeInstanceOf(
        Anthropic.BadRequestError,
      );
    }
  });

  it('a body over the limit → 413 request_too_large', async () => {
    const big = { ...HI, messages: [{ role: 'user', content: 'x'.repeat(100_000) }] };
    await expectError(await post(big), 413, 'request_too_large');
  });

  it('an answer the ingress cannot translate → 502 api_error', async () => {
    h.pipeline.handle((req) => req.reply.response(json({ not: 'a completion' })));
    await expectError(await post(HI), 502, 'api_error', /malformed/);
  });

  it('no pipeline listening → 503 overloaded_error', async () => {
    await h.pipeline.stop();
    try {
      await expectError(await post(HI), 503, 'overloaded_error');
    } finally {
      await h.restartPipeline();
    }
  });

  it('leaves the OpenAI routes in OpenAI’s shape', async () => {
    const res = await h.post(JSON.stringify({ model: 'gpt-test' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
  });
});
