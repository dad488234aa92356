import { GatewayError, Headers, Ops, Subjects } from '@switchyard/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePipeline, type FakePipeline } from '../fixtures/fake-pipeline.js';
import { json } from '../fixtures/openai-bodies.js';
import { startTestIngress, type TestIngress } from '../fixtures/test-ingress.js';

const KEY = 'sk-ingress-test-0123456789';
const BODY_LIMIT = 4096;

/** Two float32 vectors; base64 is their little-endian bytes, as OpenAI sends them. */
const VECTORS = [
  [0.5, -0.25, 0.125],
  [1, 0, -1],
];
const base64Of = (vector: number[]): string =>
  Buffer.from(new Float32Array(vector).buffer).toString('base64');
const answer = (encoding: 'float' | 'base64' = 'float') => ({
  object: 'list',
  data: VECTORS.map((v, index) => ({
    object: 'embedding',
    index,
    embedding: encoding === 'float' ? v : base64Of(v),
  })),
  model: 'text-embedding-test',
  usage: { prompt_tokens: 4, total_tokens: 4 },
});

let t: TestIngress;
let pipeline: FakePipeline;
let client: OpenAI;

const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${t.url}/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
const lastHeader = (name: string): string | undefined => pipeline.received.at(-1)?.msg.headers?.get(name);

beforeAll(async () => {
  t = await startTestIngress({ server: { body_limit_bytes: BODY_LIMIT, request_timeout_ms: 5_000 } });
  pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.embeddings));
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await pipeline?.stop();
  await t?.stop();
});

describe('POST /v1/embeddings', () => {
  it('publishes the caller’s own bytes on the embeddings entry and relays the answer as is', async () => {
    pipeline.handle((req) => req.reply.response(json(answer())));
    const body = '{"model":  "text-embedding-test", "input": ["one", "two"], "x_vendor": 1}';
    const res = await post(body, { 'x-switchyard-timeout-ms': '2000' });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(JSON.stringify(answer()));
    expect(Buffer.from(pipeline.received.at(-1)!.msg.data).toString()).toBe(body);
    expect(lastHeader(Headers.op)).toBe(Ops.embeddings);
    expect(lastHeader(Headers.model)).toBe('text-embedding-test');
    expect(lastHeader(Headers.stream)).toBe('false');
    expect(lastHeader(Headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(lastHeader(Headers.requestId)).toBe(res.headers.get('x-request-id'));
    expect(Number(lastHeader(Headers.deadline)) - Number(lastHeader(Headers.receivedAt))).toBe(2000);
  });

  it('gives the OpenAI SDK vectors it reads, as floats and as base64 it decodes itself', async () => {
    pipeline.handle((req) => {
      const asked = JSON.parse(Buffer.from(req.msg.data).toString()) as { encoding_format?: string };
      req.reply.response(json(answer(asked.encoding_format === 'base64' ? 'base64' : 'float')));
    });
    const floats = await client.embeddings.create({
      model: 'text-embedding-test',
      input: ['one', 'two'],
      encoding_format: 'float',
    });
    expect(floats.data.map((d) => d.embedding)).toEqual(VECTORS);
    expect(floats.usage.prompt_tokens).toBe(4);

    // Without an encoding the SDK asks for base64 and decodes it into floats.
    const decoded = await client.embeddings.create({ model: 'text-embedding-test', input: ['one', 'two'] });
    expect(JSON.parse(Buffer.from(pipeline.received.at(-1)!.msg.data).toString())).toMatchObject({
      encoding_format: 'base64',
    });
    expect(decoded.data.map((d) => d.embedding)).toEqual(VECTORS);
  });

  it('relays an error frame with its status; the SDK raises its error class', async () => {
    pipeline.handle((req) =>
      req.reply.error(
        new GatewayError('model_not_found', "The model 'nope' does not exist.", { param: 'model' }),
      ),
    );
    const res = await post(JSON.stringify({ model: 'nope', input: 'x' }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
    const failure = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('embeddings requests the ingress refuses', () => {
  it.each([
    ['a missing input', { model: 'text-embedding-test' }, 'input'],
    ['an empty input', { model: 'text-embedding-test', input: '' }, 'input'],
    ['an empty string among the inputs', { model: 'text-embedding-test', input: ['a', ''] }, 'input[1]'],
    ['an input of the wrong type', { model: 'text-embedding-test', input: { text: 'x' } }, 'input'],
    ['a missing model', { input: 'x' }, 'model'],
    ['an unknown encoding', { model: 'm', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    ['zero dimensions', { model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
    ['a model name with a line break', { model: 'm\r\nx-evil: 1', input: 'x' }, 'model'],
  ])('%s → 400 naming the parameter, counted, never published', async (_, body, param) => {
    const before = pipeline.received.length;
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code: null });
    expect(pipeline.received.length).toBe(before);
    const requestId = res.headers.get('x-request-id');
    await expect
      .poll(() => t.events.find((e) => e.request_id === requestId))
      .toMatchObject({ status: 400, error_code: 'invalid_request', op: Ops.embeddings });
  });

  it('malformed JSON → 400, and a body over the limit → 413', async () => {
    expect((await post('{"model": "m", ')).status).toBe(400);
    const big = await post(JSON.stringify({ model: 'm', input: 'x'.repeat(BODY_LIMIT) }));
    expect(big.status).toBe(413);
  });
});
