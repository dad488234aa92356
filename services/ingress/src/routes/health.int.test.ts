import { connectBus, createPresence } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { StageNames } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { startTestIngress, type TestIngress } from '../fixtures/test-ingress.js';

let t: TestIngress;

beforeAll(async () => {
  t = await startTestIngress();
});

afterAll(async () => {
  await t?.stop();
});

const get = (path: string) => fetch(`${t.url}${path}`);

describe('health', () => {
  it('/healthz answers while the process runs', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 until a policy service announces itself, then 200', async () => {
    // Right after start, unheard stages count as alive for a moment; then the truth shows.
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 5_000 }).toBe(503);
    const res = await get('/readyz');
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.message).toMatch(/policy/);
    expect(body.error.code).toBe('service_unavailable');

    const log = createLogger({ name: 'fake-policy', level: 'silent' });
    const nc = await connectBus({ url: t.natsUrl, name: 'fake-policy', log });
    const policy = createPresence(nc);
    try {
      policy.announce(StageNames.policy);
      await expect.poll(async () => (await get('/readyz')).status).toBe(200);
    } finally {
      await policy.stop();
      await nc.close();
    }
  });

  it('/readyz is 503 when the bus connection is gone', async () => {
    const log = createLogger({ name: 'closed', level: 'silent' });
    const nc = await connectBus({ url: t.natsUrl, name: 'closed', log });
    const presence = createPresence(nc);
    presence.announce(StageNames.policy);
    const app = buildApp({ nc, presence, log, config: parseConfig({}) });
    try {
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await nc.close();
      const res = await app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        error: { message: expect.stringMatching(/bus/), type: 'server_error' },
      });
    } finally {
      await app.close();
    }
  });
});

describe('unknown routes and malformed requests', () => {
  it('answers 404 in OpenAI’s shape, with a request id', async () => {
    const res = await get('/v1/embeddings?api_key=secret');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/embeddings)',
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });

  it('answers a malformed URL with a 400 in OpenAI’s shape, with a request id', async () => {
    const res = await get('/v1/models/%zz');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null } });
  });

  it('answers an unparseable content type with a 400 in OpenAI’s shape', async () => {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'not a media type' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
