import { GatewayError, Headers, Ops, Subjects } from '@switchyard/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePipeline, type FakePipeline } from '../fixtures/fake-pipeline.js';
import { MODELS, json } from '../fixtures/openai-bodies.js';
import { startTestIngress, type TestIngress } from '../fixtures/test-ingress.js';

const KEY = 'sk-models-test-0123456789';

let t: TestIngress;
let pipeline: FakePipeline;
let client: OpenAI;

beforeAll(async () => {
  t = await startTestIngress();
  pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.models));
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await pipeline?.stop();
  await t?.stop();
});

describe('GET /v1/models', () => {
  it('asks the pipeline for the list, with the key, and relays it to the SDK', async () => {
    pipeline.handle((req) => req.reply.response(json(MODELS)));
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['gpt-test']);

    const seen = pipeline.received.at(-1)!.msg;
    expect(seen.data.byteLength).toBe(0);
    expect(seen.headers?.get(Headers.op)).toBe(Ops.models);
    expect(seen.headers?.get(Headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(seen.headers?.get(Headers.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(seen.headers?.get(Headers.deadline))).toBeGreaterThan(Date.now());
  });

  it('relays a refusal with its status, raised by the SDK as its error class', async () => {
    pipeline.handle((req) =>
      req.reply.error(new GatewayError('unauthenticated', 'Incorrect API key provided.')),
    );
    const failure = await client.models.list().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(failure).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('answers 503 at once when no pipeline listens, and counts it', async () => {
    await pipeline.stop();
    try {
      const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(503);
      const requestId = res.headers.get('x-request-id');
      await expect
        .poll(() => t.events.find((e) => e.request_id === requestId))
        .toMatchObject({ op: Ops.models, status: 503, error_code: 'unavailable' });
    } finally {
      pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.models));
    }
  });
});
