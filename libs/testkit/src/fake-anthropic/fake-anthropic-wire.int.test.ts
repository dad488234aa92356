import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from './start-fake-anthropic.js';

// Byte-level checks of what the SDK does not show: headers, event names, and the API's own refusals.
describe('startFakeAnthropic wire format', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-wire' });
  });
  afterAll(() => fake?.stop());

  const post = (body: object, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-wire',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const base = { model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { type: string; message: string } }).error;

  it('takes the key as x-api-key and answers with a request-id header', async () => {
    const res = await post(base);
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_fake_/);
    expect((await post(base, { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('names every SSE event as its data type, pings once, and ends with message_stop', async () => {
    const res = await post({ ...base, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((raw) => {
        const [, name, data] = /^event: (\S+)\ndata: (.*)$/s.exec(raw)!;
        return { name: name!, data: JSON.parse(data!) as { type: string } };
      });
    expect(events.every((e) => e.name === e.data.type)).toBe(true);
    expect(events.filter((e) => e.name === 'ping')).toHaveLength(1);
    expect(events.at(-1)!.name).toBe('message_stop');
    expect(events[0]!.data).toMatchObject({ message: { usage: { input_tokens: 1, output_tokens: 1 } } });
  });

  it.each([
    ['a missing anthropic-version header', base, { 'anthropic-version': '' }, /anthropic-version/],
    ['an OpenAI field', { ...base, n: 2 }, {}, /^n: Extra inputs are not permitted$/],
    ['no max_tokens', { model: 'm', messages: base.messages }, {}, /^max_tokens: Field required$/],
    ['temperature above 1', { ...base, temperature: 1.5 }, {}, /^temperature:/],
    [
      'a system role message',
      { ...base, messages: [{ role: 'system', content: 'x' }, ...base.messages] },
      {},
      /top-level `system` parameter/,
    ],
    [
      'two user turns in a row',
      { ...base, messages: [...base.messages, ...base.messages] },
      {},
      /roles must alternate/,
    ],
    [
      'an empty text block',
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      {},
      /text content blocks must be non-empty/,
    ],
    [
      'a tool_result without its tool_use',
      {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'c' }] },
        ],
      },
      {},
      /unexpected `tool_use_id` found in `tool_result` blocks: toolu_x/,
    ],
    [
      'a tool_use left unanswered',
      {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_y', name: 'f', input: {} }] },
          { role: 'user', content: 'c' },
        ],
      },
      {},
      /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_y/,
    ],
    [
      'an SVG image',
      {
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/svg+xml', data: 'PHN2Zz4=' } },
            ],
          },
        ],
      },
      {},
      /media_type/,
    ],
  ])('refuses %s with a 400 invalid_request_error', async (_name, body, headers, message) => {
    const res = await post(body, headers);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(message);
  });

  it('answers 404 not_found_error on an unknown path', async () => {
    const res = await fetch(`${fake.url}/v1/complete`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-wire', 'anthropic-version': '2023-06-01' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).type).toBe('not_found_error');
  });

  it('waits for slow-<ms>, and never answers hang', async () => {
    const started = Date.now();
    expect((await post({ ...base, model: 'slow-120' })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const hung = fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-wire', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...base, model: 'hang' }),
      signal: AbortSignal.timeout(200),
    });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
  });
});
