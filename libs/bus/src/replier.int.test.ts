import { GatewayError, Headers, RequestCompleted, Subjects } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import {
  connect,
  createInbox,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
} from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from './connect.js';
import { decodeFrame, type Frame } from './frame.js';
import { completedEvent, createReplier } from './replier.js';

let nats: { url: string; stop(): Promise<void> };
/** The replying stage's connection. */
let nc: NatsConnection;
/** The requester's and telemetry's connection. */
let client: NatsConnection;
const events: RequestCompleted[] = [];

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url, name: 'replier-test-stage' });
  client = await connect({ servers: nats.url, name: 'replier-test-client' });
  client.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => {
      if (!err) events.push(msg.json<RequestCompleted>());
    },
  });
  await client.flush();
});

afterAll(async () => {
  await nc?.close();
  await client?.close();
  await nats?.stop();
});

async function settle(): Promise<void> {
  await nc.flush();
  await client.flush();
}

let ids = 0;
function requestHeaders(extra: Record<string, string> = {}): { id: string; headers: MsgHdrs } {
  const id = `req-${ids++}`;
  const h = natsHeaders();
  h.set(Headers.requestId, id);
  h.set(Headers.op, 'chat.completions');
  h.set(Headers.stream, 'true');
  h.set(Headers.receivedAt, String(Date.now()));
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return { id, headers: h };
}

/** A reply subject the requester listens on; collects every message that arrives. */
async function replySubject(): Promise<{ subject: string; msgs: Msg[] }> {
  const subject = createInbox();
  const msgs: Msg[] = [];
  client.subscribe(subject, { callback: (_, msg) => void msgs.push(msg) });
  await client.flush();
  return { subject, msgs };
}

const eventsFor = (id: string): RequestCompleted[] => events.filter((e) => e.request_id === id);
const kindAndSeq = (msgs: Msg[]): string[] =>
  msgs.map((m) => `${m.headers?.get(Headers.frame)}#${m.headers?.get(Headers.seq)}`);
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const asFrame = (msg: Msg): Frame => {
  const frame = decodeFrame(msg);
  if (frame instanceof GatewayError) throw frame;
  return frame;
};

describe('createReplier streaming', () => {
  it('numbers chunk, chunk, done as 0, 1, 2 and ignores calls after the terminal frame', async () => {
    const { subject, msgs } = await replySubject();
    const { id, headers } = requestHeaders();
    const reply = createReplier(nc, subject, headers);
    reply.chunk(enc('{"n":1}'));
    reply.chunk(enc('{"n":2}'));
    reply.done({ usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    reply.chunk(enc('{"n":3}'));
    reply.done();
    reply.error(new GatewayError('internal', 'late'));
    reply.response(enc('{}'));
    await settle();

    expect(kindAndSeq(msgs)).toEqual(['chunk#0', 'chunk#1', 'done#2']);
    expect(msgs.map((m) => m.string())).toEqual(['{"n":1}', '{"n":2}', '']);
    expect(reply.finished).toBe(true);

    const found = eventsFor(id);
    expect(found).toHaveLength(1);
    expect(found[0]!.ttft_ms).toEqual(expect.any(Number));
    expect(RequestCompleted.parse(found[0])).toMatchObject({
      request_id: id,
      op: 'chat.completions',
      stream: true,
      status: 200,
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    expect(found[0]!.error_code).toBeUndefined();
  });

  it('measures ttft_ms from sy-received-at to the first frame, not to the end', async () => {
    const { subject } = await replySubject();
    // The request reached the gateway a second ago and spent that time in earlier stages.
    const receivedAt = Date.now() - 1_000;
    const { id, headers } = requestHeaders({ [Headers.receivedAt]: String(receivedAt) });
    const reply = createReplier(nc, subject, headers);
    await new Promise((r) => setTimeout(r, 80));
    reply.chunk(enc('{}'));
    await new Promise((r) => setTimeout(r, 300));
    reply.done();
    await settle();

    const [event] = eventsFor(id);
    expect(event!.ttft_ms).toBeGreaterThanOrEqual(1_070);
    expect(event!.ttft_ms).toBeLessThan(1_300);
    expect(event!.received_at).toBe(receivedAt);
    expect(event!.duration_ms).toBeGreaterThanOrEqual(event!.ttft_ms! + 250);
  });

  it('reports started once a frame went out, so a failure past it is not retried elsewhere', async () => {
    const { subject } = await replySubject();
    const reply = createReplier(nc, subject, requestHeaders().headers);
    expect(reply.started).toBe(false);
    expect(reply.finished).toBe(false);
    reply.chunk(enc('{}'));
    expect(reply.started).toBe(true);
    expect(reply.finished).toBe(false);
  });

  it('copies the routing headers of the request into the event', async () => {
    const { subject } = await replySubject();
    const { id, headers } = requestHeaders({
      [Headers.model]: 'gpt-4o',
      [Headers.keyId]: 'search-app',
      [Headers.team]: 'search',
      [Headers.provider]: 'openai',
      [Headers.deployment]: 'openai/gpt-4o-2024-08-06',
      [Headers.upstreamModel]: 'gpt-4o-2024-08-06',
      [Headers.attempt]: '2',
    });
    createReplier(nc, subject, headers).response(enc('{}'));
    await settle();
    expect(eventsFor(id)[0]).toMatchObject({
      model: 'gpt-4o',
      key_id: 'search-app',
      team: 'search',
      provider: 'openai',
      deployment: 'openai/gpt-4o-2024-08-06',
      upstream_model: 'gpt-4o-2024-08-06',
      attempt: 2,
    });
  });
});

describe('createReplier answer headers', () => {
  it('puts the sy-answer-* headers earlier stages set on the first frame only', async () => {
    const { subject, msgs } = await replySubject();
    const { headers } = requestHeaders({
      'sy-answer-x-ratelimit-remaining-requests': '9',
      'sy-answer-x-switchyard-cache': 'MISS',
    });
    const reply = createReplier(nc, subject, headers);
    reply.chunk(enc('{"n":1}'));
    reply.chunk(enc('{"n":2}'));
    reply.done();
    await settle();

    expect(msgs).toHaveLength(3);
    expect(msgs[0]!.headers?.get('sy-answer-x-ratelimit-remaining-requests')).toBe('9');
    expect(msgs[0]!.headers?.get('sy-answer-x-switchyard-cache')).toBe('MISS');
    expect(msgs[0]!.headers?.get(Headers.requestId)).toBe('');
    expect(msgs[1]!.headers?.get('sy-answer-x-switchyard-cache')).toBe('');
  });

  it('sends them with an error answer too (a 429 carries its rate-limit headers)', async () => {
    const { subject, msgs } = await replySubject();
    const { headers } = requestHeaders({ 'sy-answer-x-ratelimit-remaining-requests': '0' });
    createReplier(nc, subject, headers).error(new GatewayError('rate_limited', 'slow down'));
    await settle();
    expect(msgs[0]!.headers?.get('sy-answer-x-ratelimit-remaining-requests')).toBe('0');
    expect(msgs[0]!.headers?.get(Headers.frame)).toBe('error');
  });
});

describe('createReplier whole answers and errors', () => {
  it('sends a response frame with sy-status 200, seq 0 and the body as is', async () => {
    const { subject, msgs } = await replySubject();
    const { id, headers } = requestHeaders({ [Headers.stream]: 'false' });
    const body = '{"id":"chatcmpl-1","object":"chat.completion"}';
    createReplier(nc, subject, headers).response(enc(body), {
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    await settle();

    expect(kindAndSeq(msgs)).toEqual(['response#0']);
    expect(msgs[0]!.headers?.get(Headers.status)).toBe('200');
    expect(msgs[0]!.string()).toBe(body);
    expect(eventsFor(id)).toMatchObject([{ status: 200, stream: false, usage: { total_tokens: 2 } }]);
  });

  it('carries the cost of the usage into the event, and leaves it out when unknown', async () => {
    const { subject } = await replySubject();
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, cached_tokens: 400 };
    const priced = requestHeaders();
    createReplier(nc, subject, priced.headers).response(enc('{}'), { usage, cost: 0.003 });
    const streamed = requestHeaders();
    createReplier(nc, subject, streamed.headers).done({ usage, cost: 0 });
    const unpriced = requestHeaders();
    createReplier(nc, subject, unpriced.headers).done({ usage });
    await settle();

    expect(RequestCompleted.parse(eventsFor(priced.id)[0])).toMatchObject({ usage, cost_usd: 0.003 });
    expect(eventsFor(streamed.id)[0]!.cost_usd).toBe(0);
    expect(eventsFor(unpriced.id)[0]).not.toHaveProperty('cost_usd');
  });

  it('ends a stream that broke midway with an error frame after its chunks', async () => {
    const { subject, msgs } = await replySubject();
    const { id, headers } = requestHeaders();
    const reply = createReplier(nc, subject, headers);
    reply.chunk(enc('{}'));
    reply.error(
      new GatewayError('upstream_error', 'The provider closed the stream.', { provider: 'openai' }),
    );
    reply.done();
    await settle();

    expect(kindAndSeq(msgs)).toEqual(['chunk#0', 'error#1']);
    expect(msgs[1]!.headers?.get(Headers.status)).toBe('502');
    expect(msgs[1]!.headers?.get(Headers.errorCode)).toBe('upstream_error');
    expect(msgs[1]!.json()).toEqual({
      error: {
        message: 'The provider closed the stream.',
        type: 'server_error',
        param: null,
        code: 'upstream_error',
      },
    });
    expect(eventsFor(id)).toMatchObject([{ status: 502, error_code: 'upstream_error' }]);
  });

  it('still emits exactly one event when there is no reply subject (fire-and-forget)', async () => {
    const { id, headers } = requestHeaders();
    const reply = createReplier(nc, undefined, headers);
    reply.chunk(enc('{}'));
    reply.done({ usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    reply.done();
    await settle();
    expect(eventsFor(id)).toMatchObject([{ status: 200, usage: { total_tokens: 3 } }]);
    expect(eventsFor(id)).toHaveLength(1);
  });

  it('emits a valid event for a request that came without any headers', async () => {
    const before = events.length;
    createReplier(nc, undefined, undefined).error(new GatewayError('invalid_request', 'bad'));
    await settle();
    const event = events.slice(before).find((e) => e.request_id === 'unknown' && e.status === 400);
    expect(RequestCompleted.safeParse(event).success).toBe(true);
  });

  it('does not throw when the connection is already closed', async () => {
    const closed = await connect({ servers: nats.url });
    await closed.close();
    const reply = createReplier(closed, createInbox(), requestHeaders().headers);
    expect(() => {
      reply.chunk(enc('{}'));
      reply.done();
    }).not.toThrow();
    expect(reply.finished).toBe(true);
  });
});

describe('decodeFrame', () => {
  it('reads kind, seq, status, error code and retry-after from a replier error frame', async () => {
    const { subject, msgs } = await replySubject();
    createReplier(nc, subject, requestHeaders().headers).error(
      new GatewayError('rate_limited', 'Slow down', { retryAfterMs: 2500 }),
    );
    await settle();
    const frame = asFrame(msgs[0]!);
    expect(frame).toMatchObject({
      kind: 'error',
      seq: 0,
      status: 429,
      errorCode: 'rate_limited',
      retryAfterMs: 2500,
    });
    expect(JSON.parse(new TextDecoder().decode(frame.data))).toMatchObject({
      error: { message: 'Slow down' },
    });
  });

  it('reads chunk frames without status', async () => {
    const { subject, msgs } = await replySubject();
    const reply = createReplier(nc, subject, requestHeaders().headers);
    reply.chunk(enc('a'));
    reply.chunk(enc('b'));
    await settle();
    const frames = msgs.map(asFrame);
    expect(frames.map((f) => [f.kind, f.seq])).toEqual([
      ['chunk', 0],
      ['chunk', 1],
    ]);
    expect(frames[1]!.status).toBeUndefined();
    expect(frames[1]!.errorCode).toBeUndefined();
  });

  it("turns the server's no-responders status into unavailable (503)", async () => {
    // Publishing with a reply subject to a subject nobody consumes: the server itself answers 503.
    const subject = createInbox();
    const got: (Frame | GatewayError)[] = [];
    client.subscribe(subject, { callback: (_, msg) => void got.push(decodeFrame(msg)) });
    client.publish(`nobody.listens.${createInbox()}`, '{}', { reply: subject });
    await client.flush();
    await new Promise((r) => setTimeout(r, 50));
    await client.flush();

    expect(got).toHaveLength(1);
    const err = got[0]!;
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('unavailable');
    expect((err as GatewayError).status).toBe(503);
    expect((err as GatewayError).retryable).toBe(true);
  });

  it('turns a message that is not a frame into internal, not a crash', async () => {
    const subject = createInbox();
    const got: (Frame | GatewayError)[] = [];
    client.subscribe(subject, { callback: (_, msg) => void got.push(decodeFrame(msg)) });
    await client.flush();
    const h = natsHeaders();
    h.set(Headers.frame, 'partial');
    nc.publish(subject, 'x', { headers: h });
    nc.publish(subject, 'no headers at all');
    await settle();
    expect(got.map((g) => (g instanceof GatewayError ? g.code : g.kind))).toEqual(['internal', 'internal']);
  });
});

describe('completedEvent', () => {
  it('ignores a non-numeric attempt or received-at rather than emitting an invalid event', () => {
    const { headers } = requestHeaders({ [Headers.attempt]: 'two', [Headers.receivedAt]: 'yesterday' });
    const event = completedEvent(headers, { status: 200 });
    expect(event.attempt).toBeUndefined();
    expect(Math.abs(event.received_at - Date.now())).toBeLessThan(1_000);
    expect(RequestCompleted.safeParse(event).success).toBe(true);
  });
});
