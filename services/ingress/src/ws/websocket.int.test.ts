import { createReplier } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { GatewayError, Headers, Ops, Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngress, type IngressOptions, type RunningIngress } from '../service.js';
import { startFakePipeline, type FakePipeline, type PipelineRequest } from '../fixtures/fake-pipeline.js';
import { COMPLETION, MODELS, chunk, json } from '../fixtures/openai-bodies.js';
import { startTestIngress, type TestIngress } from '../fixtures/test-ingress.js';
import { openSocket, type TestSocket, type WsFrame } from './fixtures/ws-test-client.js';

const KEY = 'sk-ws-test-0123456789';
const HIGH_WATER = 256 * 1024;
const messages = [{ role: 'user', content: 'hi' }];
const chatBody = (content: string, stream = false) => ({
  model: 'gpt-test',
  messages: [{ role: 'user', content }],
  stream,
});

let t: TestIngress;
let pipeline: FakePipeline;
const extra: RunningIngress[] = [];

/** What the fake pipeline does with a request, chosen by its last message's content. */
const behaviours = new Map<string, (req: PipelineRequest) => void>();
const contentOf = (req: PipelineRequest): string =>
  (req.msg.json<{ messages: { content: string }[] }>().messages.at(-1)?.content ?? '') as string;
const requestIdOf = (content: string): string | undefined =>
  pipeline.received.find((r) => contentOf(r) === content)?.msg.headers?.get(Headers.requestId);

beforeAll(async () => {
  t = await startTestIngress({ server: { ws_high_water_bytes: HIGH_WATER }, stopGraceMs: 1_000 });
  pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.chatCompletions));
  pipeline.handle((req) => {
    const behave = behaviours.get(contentOf(req));
    if (behave) return behave(req);
    if (req.msg.headers?.get(Headers.stream) === 'true') {
      for (const word of ['Hello', ' there']) req.reply.chunk(json(chunk(word)));
      req.reply.done();
    } else req.reply.response(json(COMPLETION));
  });
  // Policy's part in the connection check: a models request answered only for the right key.
  t.nc.subscribe(Subjects.validatedEntry(Ops.models), {
    queue: 'policy',
    callback: (_err, msg) => {
      const reply = createReplier(t.nc, msg.reply, msg.headers);
      if (msg.headers?.get(Headers.authorization) === `Bearer ${KEY}`) reply.response(json(MODELS));
      else reply.error(new GatewayError('unauthenticated', 'Incorrect API key provided.'));
    },
  });
  await t.nc.flush();
});

afterAll(async () => {
  for (const ingress of extra) await ingress.stop();
  await pipeline?.stop();
  await t?.stop();
});

/** Another ingress on the same bus and pipeline, with its own server settings. */
async function startOtherIngress(server: Record<string, unknown>, options: IngressOptions = {}) {
  const config = parseConfig({ server: { port: 0, ...server } });
  const ingress = await startIngress(
    { nc: t.nc, presence: t.presence, log: createLogger({ name: 'ws-test', level: 'silent' }), config },
    options,
  );
  extra.push(ingress);
  return ingress;
}

const connect = async (url = t.url, key: string | undefined = KEY): Promise<TestSocket> => {
  const socket = await openSocket(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  if (key) await socket.next((f) => f.type === 'ready');
  return socket;
};

const chunkText = (frames: WsFrame[]): string =>
  frames
    .filter((f) => f.type === 'chunk')
    .map((f) => (f.data as ReturnType<typeof chunk>).choices[0]!.delta.content)
    .join('');

describe('WebSocket API', () => {
  it('relays a stream and a whole answer on one socket, each by its id, through the same pipeline', async () => {
    const socket = await connect();
    socket.send({ type: 'request', id: 'a', body: chatBody('stream me', true) });
    socket.send({ type: 'request', id: 7, op: 'chat.completions', body: chatBody('whole') });
    const [streamed, whole] = await Promise.all([socket.answer('a'), socket.answer(7)]);

    expect(streamed.map((f) => f.type)).toEqual(['chunk', 'chunk', 'done']);
    expect(chunkText(streamed)).toBe('Hello there');
    expect(streamed[0]!.headers?.['x-request-id']).toBe(requestIdOf('stream me'));
    expect(streamed[1]!.headers).toBeUndefined();
    expect(whole).toEqual([
      {
        type: 'response',
        id: 7,
        status: 200,
        data: COMPLETION,
        headers: { 'x-request-id': requestIdOf('whole') },
      },
    ]);
    const published = pipeline.received.find((r) => contentOf(r) === 'stream me')!.msg.headers!;
    expect(published.get(Headers.authorization)).toBe(`Bearer ${KEY}`);
    expect(published.get(Headers.model)).toBe('gpt-test');
    expect(published.get(Headers.stream)).toBe('true');
    socket.ws.close();
  });

  it('takes the key from a first auth frame, for clients that cannot set headers', async () => {
    const socket = await connect(t.url, undefined);
    socket.send({ type: 'auth', api_key: KEY });
    await socket.next((f) => f.type === 'ready');
    socket.send({ type: 'request', id: 'r', body: chatBody('after auth') });
    expect((await socket.answer('r'))[0]).toMatchObject({ type: 'response', status: 200 });
    socket.ws.close();
  });

  it('refuses a bad key at connect: an error frame, then close code 4401', async () => {
    const socket = await openSocket(t.url, { headers: { 'x-api-key': 'sk-wrong-000000000' } });
    const { code } = await socket.closed;
    expect(code).toBe(4401);
    expect(socket.frames).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 401,
        error: expect.objectContaining({ code: 'invalid_api_key' }),
      }),
    ]);
    expect(socket.frames[0]!.id).toBeUndefined();
  });

  it('closes with 4401 a socket that sends a request before its key, or no key in time', async () => {
    const early = await openSocket(t.url);
    early.send({ type: 'request', id: 1, body: chatBody('too early') });
    expect((await early.closed).code).toBe(4401);
    expect(early.frames[0]).toMatchObject({ type: 'error', status: 401 });

    const other = await startOtherIngress({ ws_auth_timeout_ms: 200 });
    const silent = await openSocket(other.url);
    expect((await silent.closed).code).toBe(4401);
    expect(silent.frames[0]!.error!.message).toMatch(/No key within 200 ms/);
  });

  it('answers malformed frames with error frames, and the socket’s other requests go on', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviours.set('gated', (req) => {
      req.reply.chunk(json(chunk('first')));
      void gate.then(() => {
        req.reply.chunk(json(chunk(' second')));
        req.reply.done();
      });
    });
    const socket = await connect();
    socket.send({ type: 'request', id: 'running', body: chatBody('gated', true) });
    await socket.next((f) => f.id === 'running');

    const errors: WsFrame[] = [];
    const expectError = async (frame: unknown) => {
      const seen = socket.frames.length;
      socket.send(frame);
      errors.push(await socket.next((f) => f.type === 'error' && socket.frames.indexOf(f) >= seen));
    };
    await expectError('{"type": "request", ');
    await expectError({ type: 'subscribe', id: 'x' });
    await expectError({ type: 'request', body: chatBody('no id') });
    await expectError({ type: 'request', id: 'v', body: { model: 'gpt-test' } });
    await expectError({ type: 'request', id: 'op', op: 'images', body: chatBody('x') });
    await expectError({ type: 'request', id: 'running', body: chatBody('duplicate') });
    await expectError({
      type: 'request',
      id: 'h',
      headers: { 'x-switchyard-timeout-ms': 'soon' },
      body: chatBody('x'),
    });

    for (const e of errors) expect(e.error!.type).toBe('invalid_request_error');
    expect(errors.map((e) => [e.id, e.status, e.error!.param])).toEqual([
      [undefined, 400, null],
      [undefined, 400, 'type'],
      [undefined, 400, 'id'],
      ['v', 400, 'messages'],
      ['op', 400, 'op'],
      [undefined, 409, 'id'],
      ['h', 400, null],
    ]);
    expect(errors[5]!.error!.message).toContain('"running" is still running');
    // A body refused by validation is counted like an HTTP one.
    const refusedId = errors[3]!.headers!['x-request-id'];
    await expect.poll(() => t.events.find((e) => e.request_id === refusedId)).toMatchObject({ status: 400 });

    release();
    const answer = await socket.answer('running');
    expect(chunkText(answer)).toBe('first second');
    expect(answer.at(-1)!.type).toBe('done');
    expect(pipeline.received.some((r) => contentOf(r) === 'duplicate')).toBe(false);
    socket.ws.close();
  });

  it('caps the requests running on one socket: one more gets a 429 error frame, the others go on', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviours.set('held at the cap', (req) => void gate.then(() => req.reply.response(json(COMPLETION))));
    const other = await startOtherIngress({ ws_max_in_flight: 2 });
    const socket = await connect(other.url);
    for (const id of [1, 2, 3]) socket.send({ type: 'request', id, body: chatBody('held at the cap') });

    const [refused] = await socket.answer(3);
    expect(refused).toMatchObject({
      type: 'error',
      status: 429,
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null },
    });
    expect(refused!.error!.message).toContain('at most 2');
    const refusedId = refused!.headers!['x-request-id'];
    await expect.poll(() => t.events.find((e) => e.request_id === refusedId)).toMatchObject({ status: 429 });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);

    release();
    for (const id of [1, 2])
      expect(await socket.answer(id)).toEqual([expect.objectContaining({ type: 'response', status: 200 })]);
    expect(pipeline.received.filter((r) => contentOf(r) === 'held at the cap')).toHaveLength(2);
    // Once they have ended, the socket takes requests again (the refused id too).
    socket.send({ type: 'request', id: 3, body: chatBody('after the cap') });
    const after = await socket.next((f) => f.id === 3 && f.type === 'response');
    expect(after).toMatchObject({ status: 200, data: COMPLETION });
    socket.ws.close();
  });

  it('a cancel frame ends that request with a 499 error frame and cancels its upstream work', async () => {
    behaviours.set('endless', (req) => req.reply.chunk(json(chunk('never finishes'))));
    const socket = await connect();
    socket.send({ type: 'request', id: 'c', body: chatBody('endless', true) });
    socket.send({ type: 'request', id: 'other', body: chatBody('still wanted') });
    await socket.next((f) => f.id === 'c' && f.type === 'chunk');
    socket.send({ type: 'cancel', id: 'c' });
    const answer = await socket.answer('c');
    expect(answer.at(-1)).toMatchObject({ type: 'error', status: 499, error: { code: 'cancelled' } });
    await expect.poll(() => t.cancels).toContain(requestIdOf('endless'));
    expect((await socket.answer('other'))[0]!.type).toBe('response');
    socket.ws.close();
  });

  it('closing the socket cancels every request still running on it', async () => {
    behaviours.set('hang-1', () => undefined);
    behaviours.set('hang-2', (req) => req.reply.chunk(json(chunk('x'))));
    const socket = await connect();
    socket.send({ type: 'request', id: 1, body: chatBody('hang-1') });
    socket.send({ type: 'request', id: 2, body: chatBody('hang-2', true) });
    await socket.next((f) => f.id === 2);
    await expect.poll(() => requestIdOf('hang-1')).toBeDefined();
    socket.ws.close();
    await expect
      .poll(() => t.cancels)
      .toEqual(expect.arrayContaining([requestIdOf('hang-1'), requestIdOf('hang-2')]));
  });

  it('cancels a request whose frames pile up for a client that stops reading; memory stays bounded', async () => {
    const big = 'x'.repeat(32 * 1024);
    const count = 400;
    behaviours.set('flood', (req) => {
      for (let i = 0; i < count; i++) req.reply.chunk(json(chunk(`${i}:${big}`)));
      req.reply.done();
    });
    const socket = await connect();
    socket.ws.pause();
    socket.send({ type: 'request', id: 'flood', body: chatBody('flood', true) });
    const cancelled = () => t.cancels.includes(requestIdOf('flood') ?? '');
    await expect.poll(cancelled, { timeout: 10_000 }).toBe(true);
    socket.ws.resume();
    const answer = await socket.answer('flood', 10_000);
    expect(answer.at(-1)).toMatchObject({ type: 'error', status: 499, error: { code: 'cancelled' } });
    expect(answer.at(-1)!.error!.message).toContain('too slowly');
    // Only what fit in the socket buffers and under the high-water mark was ever queued.
    const delivered = answer.filter((f) => f.type === 'chunk').length;
    expect(delivered).toBeLessThan(count / 2);
    answer.filter((f) => f.type === 'chunk').forEach((f, i) => expect(chunkText([f])).toBe(`${i}:${big}`));
    // The socket reads again once its queue is written: new requests are served.
    socket.send({ type: 'request', id: 'after', body: chatBody('after flood') });
    expect((await socket.answer('after'))[0]!.type).toBe('response');
    socket.ws.close();
  });

  it('keepalive: a client that does not answer pings is disconnected, one that does stays', async () => {
    const other = await startOtherIngress({ ws_ping_interval_ms: 100 });
    const mute = await openSocket(other.url, {
      autoPong: false,
      headers: { authorization: `Bearer ${KEY}` },
    });
    const alive = await openSocket(other.url, { headers: { authorization: `Bearer ${KEY}` } });
    let pings = 0;
    alive.ws.on('ping', () => pings++);
    expect((await mute.closed).code).toBe(1006);
    await expect.poll(() => pings).toBeGreaterThanOrEqual(4);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    alive.ws.close();
  });

  it('on stop, lets running requests finish (bounded by the grace), refuses new ones, then closes with 1001', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviours.set('finishes', (req) => void gate.then(() => req.reply.response(json(COMPLETION))));
    behaviours.set('never', () => undefined);
    const other = await startOtherIngress({}, { stopGraceMs: 500 });
    const socket = await connect(other.url);
    socket.send({ type: 'request', id: 'finishes', body: chatBody('finishes') });
    socket.send({ type: 'request', id: 'never', body: chatBody('never') });
    await expect
      .poll(() => requestIdOf('never') !== undefined && requestIdOf('finishes') !== undefined)
      .toBe(true);

    const stopped = other.stop();
    socket.send({ type: 'request', id: 'late', body: { model: 'gpt-test', messages } });
    expect((await socket.answer('late'))[0]).toMatchObject({
      status: 503,
      error: { code: 'service_unavailable' },
    });
    release();
    expect((await socket.answer('finishes'))[0]).toMatchObject({ type: 'response', status: 200 });
    expect((await socket.answer('never'))[0]).toMatchObject({ type: 'error', status: 503 });
    expect((await socket.closed).code).toBe(1001);
    await stopped;
    // The cancel went out before the close; it reaches this test's subscriber a moment later.
    await expect.poll(() => t.cancels).toContain(requestIdOf('never'));
  });
});
