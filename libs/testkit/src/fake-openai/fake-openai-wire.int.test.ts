import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAISpec } from '../openai-spec/load-openai-spec.js';
import { loadOpenAISpec } from '../openai-spec/load-openai-spec.js';
import type { FakeOpenAI } from './start-fake-openai.js';
import { startFakeOpenAI } from './start-fake-openai.js';

// Byte-level checks: every body and every stream chunk must match OpenAI's published schemas.
describe('startFakeOpenAI wire format', () => {
  let fake: FakeOpenAI;
  let spec: OpenAISpec;

  beforeAll(async () => {
    const loaded = loadOpenAISpec();
    if ('missing' in loaded) throw new Error(loaded.missing);
    spec = loaded;
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake?.stop());

  const post = (body: unknown, path = '/chat/completions'): Promise<Response> =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const user = (content: string): object[] => [{ role: 'user', content }];
  const tools = [{ type: 'function', function: { name: 'get_weather' } }];

  /** The `data:` payloads of an SSE body, in order. */
  const events = (text: string): string[] =>
    text
      .split('\n\n')
      .filter(Boolean)
      .map((event) => event.replace(/^data: /, ''));

  it.each([
    ['text', { model: 'gpt-4o', messages: user('hi there') }],
    ['tool call', { model: 'gpt-4o', messages: user('weather?'), tools }],
  ])('a %s completion validates as CreateChatCompletionResponse', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(spec.validate('CreateChatCompletionResponse', await res.json())).toEqual([]);
  });

  it.each([
    ['text', { messages: user('hi there') }],
    ['text with usage', { messages: user('hi there'), stream_options: { include_usage: true } }],
    ['tool call with usage', { messages: user('weather?'), tools, stream_options: { include_usage: true } }],
  ])('every %s stream chunk validates, and the stream ends with [DONE]', async (_name, body) => {
    const res = await post({ model: 'gpt-4o', stream: true, ...body });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = events(await res.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, unknown>);
    for (const chunk of chunks)
      expect(spec.validate('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
    const withUsage = 'stream_options' in body;
    expect(chunks.every((c) => (withUsage ? 'usage' in c : !('usage' in c)))).toBe(true);
    if (withUsage)
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it('the validator rejects a broken completion, so the checks above can fail', async () => {
    const good = (await (await post({ model: 'gpt-4o', messages: user('x') })).json()) as Record<
      string,
      unknown
    >;
    const broken = {
      ...good,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, finish_reason: 'done' }],
    };
    const errors = spec.validate('CreateChatCompletionResponse', broken);
    expect(errors.join('\n')).toMatch(/object/);
    expect(errors.join('\n')).toMatch(/finish_reason/);
    expect(errors.join('\n')).toMatch(/message/);
  });

  it.each(['fail-400', 'fail-401', 'fail-403', 'fail-404', 'fail-429', 'fail-500', 'fail-502', 'fail-503'])(
    '%s answers with that status and an ErrorResponse body',
    async (model) => {
      const res = await post({ model, messages: user('hi') });
      expect(res.status).toBe(Number(model.slice(5)));
      expect(spec.validate('ErrorResponse', await res.json())).toEqual([]);
    },
  );

  it('answers 400 to malformed JSON and 404 to unknown paths, in the OpenAI error shape', async () => {
    const bad = await post('{"model":');
    expect(bad.status).toBe(400);
    expect(spec.validate('ErrorResponse', await bad.json())).toEqual([]);
    const missing = await post({ model: 'gpt-4o', messages: [] }, '/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect(fake.requests.at(-2)?.body).toBe('{"model":');
  });

  it('GET /v1/models validates as ListModelsResponse', async () => {
    const res = await fetch(`${fake.url}/models`);
    expect(spec.validate('ListModelsResponse', await res.json())).toEqual([]);
  });

  it('stream-error sends an in-band error event and no [DONE]', async () => {
    const data = events(
      await (await post({ model: 'stream-error', stream: true, messages: user('a b') })).text(),
    );
    expect(data).toHaveLength(4);
    expect(spec.validate('ErrorResponse', JSON.parse(data[3] ?? ''))).toEqual([]);
  });

  it('slow-<ms> answers after the delay', async () => {
    const started = Date.now();
    const res = await post({ model: 'slow-150', messages: user('hi') });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hang never answers, and stop() still returns promptly', async () => {
    const own = await startFakeOpenAI({ latencyMs: 10, chunkDelayMs: 5 });
    const pending = fetch(`${own.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'hang', messages: user('hi') }),
    }).then(
      () => 'answered',
      () => 'failed',
    );
    const early = await Promise.race([
      pending,
      new Promise((r) => setTimeout(() => r('still waiting'), 200)),
    ]);
    expect(early).toBe('still waiting');
    await own.stop();
    expect(await pending).toBe('failed');
    expect(own.requests).toHaveLength(1);
  });
});
