import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from './start-fake-gemini.js';

// What the SDK never sends but an adapter might: each must fail as the Gemini API fails it.
const KEY = 'AIza-wire-key-0123456789';
let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: KEY });
});
afterAll(() => fake.stop());

const post = (
  body: unknown,
  model = 'gemini-2.0-flash',
  headers: Record<string, string> = {},
  method = 'generateContent',
) =>
  fetch(`${fake.url}/v1beta/models/${model}:${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const user = (...parts: object[]) => ({ contents: [{ role: 'user', parts }] });

async function expectInvalid(res: Response, message: string | RegExp): Promise<void> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: number; status: string; message: string } };
  expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  expect(body.error.message).toMatch(message);
}

describe('startFakeGemini on the wire', () => {
  it('separates SSE events with CRLF pairs and sends no end marker', async () => {
    const res = await post(user({ text: 'hi' }), 'gemini-2.0-flash', {}, 'streamGenerateContent?alt=sse');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const events = text.split('\r\n\r\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: {'))).toBe(true);
    expect(text).not.toContain('[DONE]');
    const last = JSON.parse(events.at(-1)!.slice(6)) as { candidates: { finishReason: string }[] };
    expect(last.candidates[0]!.finishReason).toBe('STOP');
  });

  it('refuses a missing key with 403 PERMISSION_DENIED, and accepts ?key=', async () => {
    const res = await post(user({ text: 'hi' }), 'gemini-2.0-flash', { 'x-goog-api-key': '' });
    expect(res.status).toBe(400); // an empty key is a wrong key
    const none = await fetch(`${fake.url}/v1beta/models/m:generateContent`, {
      method: 'POST',
      body: JSON.stringify(user({ text: 'hi' })),
    });
    expect(none.status).toBe(403);
    expect(((await none.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
    const byQuery = await fetch(`${fake.url}/v1beta/models/m:generateContent?key=${KEY}`, {
      method: 'POST',
      body: JSON.stringify(user({ text: 'hi' })),
    });
    expect(byQuery.status).toBe(200);
  });

  it('rejects unknown field names as Google does, with the snake_case path', async () => {
    await expectInvalid(
      await post({ ...user({ text: 'hi' }), generationConfig: { max_tokens: 5 } }),
      `Invalid JSON payload received. Unknown name "max_tokens" at 'generation_config': Cannot find field.`,
    );
    await expectInvalid(await post({ ...user({ text: 'hi' }), messages: [] }), 'Unknown name "messages"');
    await expectInvalid(await post(user({ text: 'hi', image_url: 'x' })), `at 'contents[0].parts[0]'`);
  });

  it('rejects roles other than user and model, empty parts and empty text', async () => {
    await expectInvalid(
      await post({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }),
      'valid role: user, model',
    );
    await expectInvalid(await post({ contents: [{ role: 'user', parts: [] }] }), 'must not be empty');
    await expectInvalid(await post(user({ text: '' })), 'empty text parameter');
    await expectInvalid(await post({ contents: [] }), 'contents is not specified');
  });

  it('rejects bad inline data and function results that answer no call', async () => {
    await expectInvalid(
      await post(user({ inlineData: { mimeType: 'image/png', data: 'not base64!' } })),
      'Base64 decoding failed',
    );
    await expectInvalid(
      await post(user({ functionResponse: { name: 'f', response: { ok: true } } })),
      'number of function response parts is equal to the number of function call parts',
    );
    await expectInvalid(
      await post({
        contents: [
          { role: 'user', parts: [{ text: 'q' }] },
          { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'f', response: 'text' } }] },
        ],
      }),
      'function_response.response',
    );
  });

  it('rejects allowedFunctionNames outside ANY mode and invalid function names', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather' }] }];
    await expectInvalid(
      await post({
        ...user({ text: 'x' }),
        tools,
        toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['get_weather'] } },
      }),
      'only be set when the Mode is ANY',
    );
    await expectInvalid(
      await post({ ...user({ text: 'x' }), tools: [{ functionDeclarations: [{ name: 'bad name!' }] }] }),
      'Invalid function name',
    );
  });

  it('records the path with its query, headers and parsed body', async () => {
    await post(user({ text: 'record me' }), 'gemini-2.5-flash', {}, 'streamGenerateContent?alt=sse');
    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      body: user({ text: 'record me' }),
    });
    expect(seen.headers['x-goog-api-key']).toBe(KEY);
  });

  it('answers unknown paths with 404 NOT_FOUND and malformed JSON with 400', async () => {
    const res = await fetch(`${fake.url}/v1beta/models/m:countTokens`, {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY },
      body: '{}',
    });
    expect(res.status).toBe(404);
    await expectInvalid(await post('{"contents": ['), 'Invalid JSON payload');
  });
});
