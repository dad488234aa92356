import { createHash } from 'node:crypto';
import type { Frame } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Headers, Ops, StageNames, Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startStageHarness, waitUntil, type StageHarness } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPolicy } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });
const config = parseConfig({
  server: { request_timeout_ms: 60_000 },
  master_key: 'sk-master-0000',
  keys: [
    { id: 'app', key: 'sk-app-1111', team: 'search', models: ['gpt-4o*', 'openai/*'] },
    { id: 'hashed', key_hash: createHash('sha256').update('sk-hashed-2222').digest('hex') },
  ],
});

let h: StageHarness;

/** Publishes like a requester and resolves with the terminal frame. */
const send = (subject: string, body: string, headers: Record<string, string> = {}): Promise<Frame> =>
  h.send(subject, body, headers);

const errorOf = (frame: Frame) =>
  (JSON.parse(Buffer.from(frame.data).toString('utf8')) as { error: Record<string, unknown> }).error;

const chatBody = (model = 'gpt-4o-mini', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra });

const validated = Subjects.validatedEntry(Ops.chatCompletions);
const publicEntry = Subjects.entry(Ops.chatCompletions);
const ingressHeaders = (key: string | undefined, model = 'gpt-4o-mini') => ({
  ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
  [Headers.op]: Ops.chatCompletions,
  [Headers.model]: model,
  [Headers.requestId]: 'req-1',
  [Headers.deadline]: String(Date.now() + 30_000),
});

beforeAll(async () => {
  h = await startStageHarness({
    name: 'policy',
    start: ({ nc, presence }) => startPolicy({ nc, presence, log, config }),
    // Stand in for cache and router: record what policy forwarded and answer so the request ends.
    downstream: [
      { name: StageNames.cache, subject: Subjects.cache },
      { name: StageNames.router, subject: Subjects.route },
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.received.length = 0;
});

describe('policy on the validated entry (from the ingress)', () => {
  it('forwards an authorised chat request to the cache with identity headers and without the secret', async () => {
    const body = chatBody();
    const frame = await send(validated, body, ingressHeaders('sk-app-1111'));
    expect(frame.kind).toBe('response');
    expect(h.received).toHaveLength(1);
    const [got] = h.received;
    expect(got!.subject).toBe(Subjects.cache);
    expect(got!.body).toBe(body);
    expect(got!.headers[Headers.keyId]).toBe('app');
    expect(got!.headers[Headers.team]).toBe('search');
    expect(got!.headers[Headers.allowedModels]).toBe('gpt-4o*,openai/*');
    expect(got!.headers[Headers.requestId]).toBe('req-1');
    expect(Object.keys(got!.headers).map((k) => k.toLowerCase())).not.toContain('authorization');
    expect(JSON.stringify(got!.headers)).not.toContain('sk-app-1111');
  });

  it('accepts a key configured by hash and the master key', async () => {
    await send(validated, chatBody('anything'), ingressHeaders('sk-hashed-2222', 'anything'));
    await send(validated, chatBody('anything'), ingressHeaders('sk-master-0000', 'anything'));
    expect(h.received.map((r) => r.headers[Headers.keyId])).toEqual(['hashed', 'master']);
    expect(h.received[1]!.headers[Headers.team]).toBeUndefined();
  });

  it('answers 401 in the OpenAI shape for a wrong key, without echoing it', async () => {
    const frame = await send(validated, chatBody(), ingressHeaders('sk-not-a-real-key'));
    expect(frame.kind).toBe('error');
    expect(frame.status).toBe(401);
    const error = errorOf(frame);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(error['message']).toMatch(/^Incorrect API key provided/);
    expect(JSON.stringify(error)).not.toContain('sk-not-a-real-key');
    expect(h.received).toHaveLength(0);
  });

  it('answers 401 when no key is given', async () => {
    const frame = await send(validated, chatBody(), ingressHeaders(undefined));
    expect(frame.status).toBe(401);
    expect(errorOf(frame)['message']).toMatch(/didn't provide an API key/);
  });

  it('answers 403 when the key may not use the model', async () => {
    const frame = await send(
      validated,
      chatBody('claude-sonnet-4'),
      ingressHeaders('sk-app-1111', 'claude-sonnet-4'),
    );
    expect(frame.status).toBe(403);
    expect(errorOf(frame)).toMatchObject({ type: 'permission_error', param: 'model' });
    expect(errorOf(frame)['message']).toContain("'claude-sonnet-4'");
    expect(h.received).toHaveLength(0);
  });

  it('sends the models op straight to the router', async () => {
    await send(Subjects.validatedEntry(Ops.models), '', {
      authorization: 'Bearer sk-app-1111',
      [Headers.op]: Ops.models,
    });
    expect(h.received.map((r) => r.subject)).toEqual([Subjects.route]);
    expect(h.received[0]!.headers[Headers.allowedModels]).toBe('gpt-4o*,openai/*');
  });
});

describe('policy on the public entry (batch jobs)', () => {
  it('validates the body and computes the headers later stages route on', async () => {
    const before = Date.now();
    const body = chatBody('openai/gpt-4.1', { stream: true });
    await send(publicEntry, body, { authorization: 'Bearer sk-app-1111' });
    const got = h.received[0]!;
    expect(got.subject).toBe(Subjects.cache);
    expect(got.body).toBe(body);
    expect(got.headers).toMatchObject({
      [Headers.op]: 'chat.completions',
      [Headers.model]: 'openai/gpt-4.1',
      [Headers.stream]: 'true',
      [Headers.keyId]: 'app',
    });
    const receivedAt = Number(got.headers[Headers.receivedAt]);
    expect(receivedAt).toBeGreaterThanOrEqual(before);
    expect(Number(got.headers[Headers.deadline])).toBe(receivedAt + 60_000);
    expect(got.headers[Headers.requestId]).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers[Headers.traceparent]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('strips forged identity and routing headers, whatever their case', async () => {
    await send(publicEntry, chatBody(), {
      authorization: 'Bearer sk-app-1111',
      [Headers.keyId]: 'master',
      'Sy-Team': 'finance',
      [Headers.allowedModels]: '*',
      [Headers.provider]: 'expensive',
      [Headers.requestId]: 'forged-id',
    });
    const got = h.received[0]!;
    expect(got.headers[Headers.keyId]).toBe('app');
    expect(got.headers[Headers.team]).toBe('search');
    expect(got.headers['Sy-Team']).toBeUndefined();
    expect(got.headers[Headers.allowedModels]).toBe('gpt-4o*,openai/*');
    expect(got.headers[Headers.provider]).toBeUndefined();
    expect(got.headers[Headers.requestId]).not.toBe('forged-id');
  });

  it("uses the caller's x-request-id and lets the caller shorten the timeout", async () => {
    await send(publicEntry, chatBody(), {
      authorization: 'Bearer sk-app-1111',
      'x-request-id': 'job-7:item-3',
      'x-switchyard-timeout-ms': '2500',
    });
    const got = h.received[0]!;
    expect(got.headers[Headers.requestId]).toBe('job-7:item-3');
    expect(Number(got.headers[Headers.deadline]) - Number(got.headers[Headers.receivedAt])).toBe(2_500);
  });

  it('answers 400 for malformed JSON', async () => {
    const frame = await send(publicEntry, '{"model": "gpt-4o", ', { authorization: 'Bearer sk-app-1111' });
    expect(frame.status).toBe(400);
    expect(errorOf(frame)).toMatchObject({ type: 'invalid_request_error' });
    expect(errorOf(frame)['message']).toMatch(/not valid JSON/);
    expect(h.received).toHaveLength(0);
  });

  it('answers 400 naming the bad field for a body that is not a chat request', async () => {
    const frame = await send(publicEntry, JSON.stringify({ model: 'gpt-4o' }), {
      authorization: 'Bearer sk-app-1111',
    });
    expect(frame.status).toBe(400);
    expect(errorOf(frame)['param']).toBe('messages');
  });

  it('refuses a forged key id when no key is given', async () => {
    const frame = await send(publicEntry, chatBody(), { [Headers.keyId]: 'master' });
    expect(frame.status).toBe(401);
    expect(h.received).toHaveLength(0);
  });

  it('stamps only request metadata for the models op', async () => {
    await send(Subjects.entry(Ops.models), '', {
      authorization: 'Bearer sk-app-1111',
      [Headers.model]: 'forged',
    });
    const got = h.received[0]!;
    expect(got.subject).toBe(Subjects.route);
    expect(got.headers[Headers.op]).toBe('models');
    expect(got.headers[Headers.requestId]).toBeDefined();
    expect(got.headers[Headers.deadline]).toBeDefined();
    expect(got.headers[Headers.model]).toBeUndefined();
  });
});

describe('policy for embeddings', () => {
  const embeddingsBody = (model = 'openai/text-embedding-3-small', extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model, input: ['first', 'second'], ...extra });

  it('forwards an allowed model straight to the router, with the model the key may use checked', async () => {
    const body = embeddingsBody();
    const frame = await send(Subjects.validatedEntry(Ops.embeddings), body, {
      ...ingressHeaders('sk-app-1111', 'openai/text-embedding-3-small'),
      [Headers.op]: Ops.embeddings,
    });
    expect(frame.kind).toBe('response');
    expect(h.received.map((r) => [r.subject, r.body])).toEqual([[Subjects.route, body]]);
    expect(h.received[0]!.headers[Headers.keyId]).toBe('app');

    const refused = await send(Subjects.validatedEntry(Ops.embeddings), embeddingsBody('cohere/embed-v4.0'), {
      ...ingressHeaders('sk-app-1111', 'cohere/embed-v4.0'),
      [Headers.op]: Ops.embeddings,
    });
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({ param: 'model' });
    expect(h.received).toHaveLength(1);
  });

  it('validates an embeddings body on the public entry and stamps its model', async () => {
    const body = embeddingsBody('openai/text-embedding-3-large', { encoding_format: 'base64' });
    await send(Subjects.entry(Ops.embeddings), body, { authorization: 'Bearer sk-app-1111' });
    expect(h.received[0]!.subject).toBe(Subjects.route);
    expect(h.received[0]!.headers).toMatchObject({
      [Headers.op]: 'embeddings',
      [Headers.model]: 'openai/text-embedding-3-large',
      [Headers.stream]: 'false',
    });
  });

  it('answers 400 naming the bad field of an embeddings body on the public entry', async () => {
    const frame = await send(Subjects.entry(Ops.embeddings), JSON.stringify({ model: 'gpt-4o', input: [] }), {
      authorization: 'Bearer sk-app-1111',
    });
    expect(frame.status).toBe(400);
    expect(errorOf(frame)).toMatchObject({ param: 'input', type: 'invalid_request_error' });
    expect(h.received).toHaveLength(0);
  });
});

describe('policy with no cache service running', () => {
  it('answers 503 at once instead of letting the request hang', async () => {
    await h.downstream[0]!.stop(0);
    // The cache's withdrawal reaches policy over NATS; wait until policy has heard it.
    await waitUntil(() => !h.presence.isAlive(StageNames.cache));
    const started = Date.now();
    const frame = await send(validated, chatBody(), ingressHeaders('sk-app-1111'));
    expect(frame.status).toBe(503);
    expect(errorOf(frame)['message']).toMatch(/cache/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
