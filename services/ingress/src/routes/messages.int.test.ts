import Anthropic from '@anthropic-ai/sdk';
import { GatewayError, Headers, Ops } from '@switchyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, readUntil, startChatHarness, type ChatHarness } from '../fixtures/chat-harness.js';
import type { PipelineRequest } from '../fixtures/fake-pipeline.js';
import { HI, postMessages } from '../fixtures/messages-request.js';
import { COMPLETION, json } from '../fixtures/openai-bodies.js';
import { fixture, fixtureText } from '../dialects/anthropic/fixtures/load.js';

let h: ChatHarness;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startChatHarness({ server: { request_timeout_ms: 5_000, body_limit_bytes: 64 * 1024 } });
  anthropic = new Anthropic({ baseURL: h.t.url, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await h?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> =>
  postMessages(h.t.url, body, headers, signal);

/** What the pipeline received last: the canonical body the ingress published. */
const published = (): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(h.pipeline.received.at(-1)!.msg.data)) as Record<string, unknown>;

const sendChunks = (name: string) => (req: PipelineRequest) => {
  for (const c of fixture<unknown[]>(name)) req.reply.chunk(json(c));
  req.reply.done();
};

describe('POST /v1/messages', () => {
  it('publishes the request as canonical chat completions and answers an Anthropic message', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const { data: message, response } = await anthropic.messages
      .create({ ...HI, system: 'Be brief.', metadata: { user_id: 'u-1' } })
      .withResponse();
    expect(message).toEqual({
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'gpt-test',
      content: [{ type: 'text', text: 'Hi there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 3,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 2,
      },
    });
    expect(response.headers.get('request-id')).toBe(h.header(Headers.requestId));
    expect(response.headers.get('x-request-id')).toBe(h.header(Headers.requestId));

    expect(published()).toEqual({
      model: 'any-model',
      max_tokens: 64,
      user: 'u-1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(h.header(Headers.op)).toBe(Ops.chatCompletions);
    expect(h.header(Headers.model)).toBe('any-model');
    expect(h.header(Headers.stream)).toBe('false');
    expect(h.header(Headers.authorization)).toBe(`Bearer ${KEY}`);
  });

  it('takes a Bearer token too, and any anthropic-version and anthropic-beta', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const res = await post(HI, {
      'x-api-key': '',
      authorization: 'Bearer sk-other-key-0123',
      'anthropic-version': '2099-01-01',
      'anthropic-beta': 'some-future-beta-2030-01-01',
    });
    expect(res.status).toBe(200);
    expect(h.header(Headers.authorization)).toBe('Bearer sk-other-key-0123');
  });

  it('serves the beta client’s `?beta=true` the same way', async () => {
    h.pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const message = await anthropic.beta.messages.create(HI);
    expect(message.content).toEqual([{ type: 'text', text: 'Hi there' }]);
  });

  it('answers tool calls as tool_use blocks with parsed input', async () => {
    h.pipeline.handle((req) => req.reply.response(json(fixture('completion-tool-calls.json'))));
    const message = await anthropic.messages.create(HI);
    expect(message).toEqual(fixture('message-tool-calls.json'));
  });
});

describe('streams', () => {
  it('streams to the SDK, which accumulates the final message', async () => {
    h.pipeline.handle(sendChunks('chunks-text.json'));
    const stream = anthropic.messages.stream(HI);
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas).toEqual(['Hello', ' there', '!']);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 4 });
    expect(published()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(h.header(Headers.stream)).toBe('true');
  });

  it('writes Anthropic’s exact event sequence, with SSE and request-id headers', async () => {
    h.pipeline.handle(sendChunks('chunks-tool-calls.json'));
    const res = await post({ ...HI, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('request-id')).toBe(h.header(Headers.requestId));
    expect(await readUntil(res)).toBe(fixtureText('stream-tool-calls.sse'));
  });

  it('streams tool calls the SDK parses into tool_use input', async () => {
    h.pipeline.handle(sendChunks('chunks-tool-calls.json'));
    const message = await anthropic.messages.stream(HI).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.slice(1)).toEqual([
      { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { location: 'Paris' } },
      { type: 'tool_use', id: 'call_def', name: 'get_weather', input: { location: 'London' } },
    ]);
  });

  it('ends a stream that fails midway with an `error` event; the SDK raises it', async () => {
    const chunks = fixture<unknown[]>('chunks-text.json').slice(0, 2);
    h.pipeline.handle((req) => {
      for (const c of chunks) req.reply.chunk(json(c));
      req.reply.error(new GatewayError('upstream_error', 'The provider closed the stream.'));
    });
    const text = await readUntil(await post({ ...HI, stream: true }));
    expect(text).toMatch(/event: content_block_delta\ndata: [^\n]*"text":"Hello"/);
    expect(
      text.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The provider closed the stream."},' +
          `"request_id":"${h.header(Headers.requestId)}"}\n\n`,
      ),
    ).toBe(true);
    expect(text).not.toContain('message_stop');

    const stream = anthropic.messages.stream(HI);
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const failure = await stream.finalMessage().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(failure).toMatchObject({ type: 'api_error', apiMessage: 'The provider closed the stream.' });
    expect(deltas).toEqual(['Hello']);
  });

  it('ends with a timeout error event when the answer stops coming', async () => {
    h.pipeline.handle((req) => req.reply.chunk(json(fixture<unknown[]>('chunks-text.json')[1])));
    const text = await readUntil(await post({ ...HI, stream: true }, { 'x-switchyard-timeout-ms': '300' }));
    expect(text).toMatch(
      /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The request timed out/,
    );
  });

  it('cancels the upstream work when the client goes away mid-stream', async () => {
    h.pipeline.handle((req) => req.reply.chunk(json(fixture<unknown[]>('chunks-text.json')[1])));
    const abort = new AbortController();
    const res = await post({ ...HI, stream: true }, {}, abort.signal);
    await readUntil(res, (text) => text.includes('Hello'));
    abort.abort();
    await expect.poll(() => h.t.cancels).toContain(res.headers.get('request-id'));
    await h.expectStillServing();
  });
});
