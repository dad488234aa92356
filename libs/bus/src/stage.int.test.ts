import { randomBytes, randomUUID } from 'node:crypto';
import {
  GatewayError,
  Headers,
  RequestCompleted,
  Subjects,
  type OpenAIErrorBody,
} from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { createInbox, headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type BusLogger, type NatsConnection } from './connect.js';
import { createPresence, type Presence } from './presence.js';
import { startStage, type Stage, type StageHandler } from './stage.js';

let nats: { url: string; stop(): Promise<void> };
/** The stages' side. */
let stageNc: NatsConnection;
let stagePresence: Presence;
/** The requester's and the downstream's side: another process, as in production. */
let clientNc: NatsConnection;
let clientPresence: Presence;
const events: RequestCompleted[] = [];
const logged: { level: string; obj: object; msg?: string }[] = [];
const log: BusLogger = {
  info: (obj, msg) => logged.push({ level: 'info', obj, msg }),
  warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
};
let stages: Stage[] = [];

beforeAll(async () => {
  nats = await startNats();
  stageNc = await connectBus({ url: nats.url, name: 'stage-test-stages', log });
  clientNc = await connectBus({ url: nats.url, name: 'stage-test-client', log });
  stagePresence = createPresence(stageNc);
  clientPresence = createPresence(clientNc);
  clientNc.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => {
      if (!err) events.push(msg.json<RequestCompleted>());
    },
  });
  await clientNc.flush();
});

afterEach(async () => {
  await Promise.all(stages.map((s) => s.stop(100)));
  stages = [];
});

afterAll(async () => {
  await stagePresence?.stop();
  await clientPresence?.stop();
  await stageNc?.close();
  await clientNc?.close();
  await nats?.stop();
});

let subjects = 0;
const uniqueSubject = (name: string): string => `test.${name}.${subjects++}`;

async function stage(name: string, subject: string, handle: StageHandler, queue = name): Promise<Stage> {
  const s = await startStage({
    nc: stageNc,
    presence: stagePresence,
    name,
    subjects: [subject],
    queue,
    log,
    handle,
  });
  stages.push(s);
  return s;
}

/** Every message published on both connections has reached its subscribers. */
async function settle(): Promise<void> {
  await stageNc.flush();
  await clientNc.flush();
  await stageNc.flush();
  await clientNc.flush();
}

interface Sent {
  requestId: string;
  reply: string;
  /** Resolves with the frames of the reply, up to and including the terminal one. */
  frames: Promise<Msg[]>;
}

/** Publishes like a requester (the ingress or a batch job), with a fresh reply subject. */
function send(subject: string, body: Uint8Array | string, extra: Record<string, string> = {}): Sent {
  const requestId = randomUUID();
  const reply = createInbox();
  const frames = new Promise<Msg[]>((resolve, reject) => {
    const got: Msg[] = [];
    const timer = setTimeout(() => reject(new Error(`no terminal frame on ${subject}`)), 5_000);
    const sub = clientNc.subscribe(reply, {
      callback: (err, msg) => {
        if (err) return reject(err);
        got.push(msg);
        if (msg.headers?.get(Headers.frame) !== 'chunk') {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(got);
        }
      },
    });
  });
  // A request that is never answered (forwarded to a plain subscriber) must not fail the run.
  frames.catch(() => undefined);
  const h = natsHeaders();
  h.set(Headers.requestId, requestId);
  h.set(Headers.op, 'chat.completions');
  h.set(Headers.receivedAt, String(Date.now()));
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  // The SUB above and this PUB go out in order on one connection: the reply cannot be missed.
  clientNc.publish(subject, body, { reply, headers: h });
  return { requestId, reply, frames };
}

const eventsFor = (requestId: string): RequestCompleted[] => events.filter((e) => e.request_id === requestId);
const errorBody = (msg: Msg): OpenAIErrorBody => msg.json<OpenAIErrorBody>();

/** Announces `name` from the client's process and waits until the stages' process has heard it. */
async function announceDownstream(name: string): Promise<void> {
  clientPresence.announce(name);
  await settle();
  expect(stagePresence.isAlive(name)).toBe(true);
}

describe('startStage forwarding', () => {
  it('forwards the exact body bytes, keeps the reply subject, and carries header changes downstream', async () => {
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('next');
    await announceDownstream('next-a');
    const downstream: Msg[] = [];
    clientNc.subscribe(next, { callback: (_, msg) => void downstream.push(msg) });
    await clientNc.flush();
    await stage('policy-a', entry, (req) => {
      req.headers.set(Headers.keyId, 'search-app');
      req.headers.set(Headers.team, 'search');
      return { forward: next, stage: 'next-a' };
    });

    // Not valid UTF-8 on purpose: any decode/re-encode on the way would change it.
    const body = Buffer.concat([
      Buffer.from('{"model":"m"}'),
      randomBytes(4096),
      Buffer.from([0xff, 0xfe, 0x00]),
    ]);
    const sent = send(entry, body, { [Headers.authorization]: 'Bearer sk-app' });
    await settle();

    expect(downstream).toHaveLength(1);
    const msg = downstream[0]!;
    expect(Buffer.from(msg.data).equals(body)).toBe(true);
    expect(msg.reply).toBe(sent.reply);
    expect(msg.headers?.get(Headers.keyId)).toBe('search-app');
    expect(msg.headers?.get(Headers.team)).toBe('search');
    expect(msg.headers?.get(Headers.requestId)).toBe(sent.requestId);
    expect(msg.headers?.get(Headers.authorization)).toBe('Bearer sk-app');
    // Forwarding is not an answer: nothing went to the requester and no request was accounted yet.
    expect(eventsFor(sent.requestId)).toEqual([]);
  });

  it('lets the next stage answer the original requester directly, with one completion event', async () => {
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('next');
    await stage('next-b', next, (req) => {
      req.reply.response(new TextEncoder().encode(`{"seen":"${req.headers.get(Headers.keyId)}"}`));
      return undefined;
    });
    await stage('policy-b', entry, (req) => {
      req.headers.set(Headers.keyId, 'k1');
      return { forward: next, stage: 'next-b' };
    });

    const sent = send(entry, '{}');
    const frames = await sent.frames;
    await settle();

    expect(frames).toHaveLength(1);
    expect(frames[0]!.headers?.get(Headers.frame)).toBe('response');
    expect(frames[0]!.headers?.get(Headers.status)).toBe('200');
    expect(frames[0]!.json()).toEqual({ seen: 'k1' });
    const [event, ...more] = eventsFor(sent.requestId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ status: 200, key_id: 'k1', op: 'chat.completions' });
  });

  it('forwards a message that came without headers, with the headers the handler set', async () => {
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('next');
    await announceDownstream('next-c');
    const downstream: Msg[] = [];
    clientNc.subscribe(next, { callback: (_, msg) => void downstream.push(msg) });
    await clientNc.flush();
    await stage('policy-c', entry, (req) => {
      req.headers.set(Headers.attempt, '1');
      return { forward: next, stage: 'next-c' };
    });
    clientNc.publish(entry, 'raw');
    await settle();
    expect(downstream).toHaveLength(1);
    expect(downstream[0]!.string()).toBe('raw');
    expect(downstream[0]!.headers?.get(Headers.attempt)).toBe('1');
  });

  it('consumes every subject it is given, telling the handler which one', async () => {
    const a = uniqueSubject('entry');
    const b = uniqueSubject('validated');
    const seen: string[] = [];
    const s = await startStage({
      nc: stageNc,
      presence: stagePresence,
      name: 'multi',
      subjects: [a, b],
      queue: 'multi',
      log,
      handle: (req) => {
        seen.push(req.subject);
        req.reply.response(new Uint8Array());
        return undefined;
      },
    });
    stages.push(s);
    await Promise.all([send(a, '{}').frames, send(b, '{}').frames]);
    expect(seen.sort()).toEqual([a, b].sort());
  });

  it('shares work across replicas in one queue group: each request is handled once', async () => {
    const entry = uniqueSubject('entry');
    const otherNc = await connectBus({ url: nats.url, name: 'replica-2', log });
    const otherPresence = createPresence(otherNc);
    const handled: string[] = [];
    const handle: StageHandler = (req) => {
      handled.push(req.headers.get(Headers.requestId));
      req.reply.response(new Uint8Array());
      return undefined;
    };
    await stage('replicated', entry, handle, 'replicated');
    const replica = await startStage({
      nc: otherNc,
      presence: otherPresence,
      name: 'replicated',
      subjects: [entry],
      queue: 'replicated',
      log,
      handle,
    });
    try {
      const sent = Array.from({ length: 20 }, () => send(entry, '{}'));
      await Promise.all(sent.map((s) => s.frames));
      await settle();
      await otherNc.flush();
      expect(handled.sort()).toEqual(sent.map((s) => s.requestId).sort());
    } finally {
      await replica.stop(100);
      await otherPresence.stop();
      await otherNc.close();
    }
  });
});

describe('startStage errors', () => {
  it('answers a GatewayError from the handler as an error frame with an OpenAI body, and one event', async () => {
    logged.length = 0;
    const entry = uniqueSubject('entry');
    await stage('policy-err', entry, () => {
      throw new GatewayError('rate_limited', 'Rate limit reached for key app.', { retryAfterMs: 1500 });
    });
    const sent = send(entry, '{}', { [Headers.keyId]: 'app', [Headers.model]: 'gpt-4o' });
    const [frame, ...rest] = await sent.frames;
    await settle();

    expect(rest).toEqual([]);
    expect(frame!.headers?.get(Headers.frame)).toBe('error');
    expect(frame!.headers?.get(Headers.seq)).toBe('0');
    expect(frame!.headers?.get(Headers.status)).toBe('429');
    expect(frame!.headers?.get(Headers.errorCode)).toBe('rate_limited');
    expect(frame!.headers?.get(Headers.retryAfterMs)).toBe('1500');
    expect(errorBody(frame!)).toEqual({
      error: {
        message: 'Rate limit reached for key app.',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    const found = eventsFor(sent.requestId);
    expect(found).toHaveLength(1);
    expect(RequestCompleted.parse(found[0])).toMatchObject({
      status: 429,
      error_code: 'rate_limited',
      key_id: 'app',
      model: 'gpt-4o',
    });
    // An expected refusal is not an operator's problem: no error log.
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('answers an async rejection with a GatewayError the same way', async () => {
    const entry = uniqueSubject('entry');
    await stage('policy-async-err', entry, async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new GatewayError('unauthenticated', 'Incorrect API key provided.');
    });
    const sent = send(entry, '{}');
    const [frame] = await sent.frames;
    await settle();
    expect(frame!.headers?.get(Headers.status)).toBe('401');
    expect(errorBody(frame!).error.code).toBe('invalid_api_key');
    expect(eventsFor(sent.requestId).map((e) => e.status)).toEqual([401]);
  });

  it.each([
    [
      'throws',
      (): never => {
        throw new Error('connect ECONNREFUSED redis:6379 password=hunter2');
      },
    ],
    [
      'rejects',
      async (): Promise<never> => {
        throw new Error('connect ECONNREFUSED redis:6379 password=hunter2');
      },
    ],
  ])(
    'answers 500 internal when the handler %s a plain Error, without leaking its text',
    async (_, handle) => {
      logged.length = 0;
      const entry = uniqueSubject('entry');
      await stage('policy-crash', entry, handle);
      const sent = send(entry, '{}');
      const [frame] = await sent.frames;
      await settle();

      expect(frame!.headers?.get(Headers.frame)).toBe('error');
      expect(frame!.headers?.get(Headers.status)).toBe('500');
      expect(frame!.headers?.get(Headers.errorCode)).toBe('internal');
      const body = errorBody(frame!);
      expect(body.error.type).toBe('server_error');
      expect(frame!.string()).not.toMatch(/hunter2|ECONNREFUSED|redis/);
      expect(eventsFor(sent.requestId)).toMatchObject([{ status: 500, error_code: 'internal' }]);
      // The operator still gets the real cause, in the log.
      const errors = logged.filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(String((errors[0]!.obj as { err: Error }).err.message)).toContain('hunter2');
      expect(errors[0]!.obj).toMatchObject({ stage: 'policy-crash' });
    },
  );

  it('answers an expired sy-deadline with 504 without calling the handler', async () => {
    const entry = uniqueSubject('entry');
    let calls = 0;
    await stage('policy-deadline', entry, (req) => {
      calls++;
      req.reply.response(new Uint8Array());
      return undefined;
    });
    const sent = send(entry, '{}', { [Headers.deadline]: String(Date.now() - 1) });
    const [frame] = await sent.frames;
    await settle();

    expect(calls).toBe(0);
    expect(frame!.headers?.get(Headers.status)).toBe('504');
    expect(frame!.headers?.get(Headers.errorCode)).toBe('timeout');
    expect(errorBody(frame!).error.type).toBe('timeout_error');
    expect(eventsFor(sent.requestId)).toMatchObject([{ status: 504, error_code: 'timeout' }]);

    // A deadline still ahead lets the request through.
    const ok = send(entry, '{}', { [Headers.deadline]: String(Date.now() + 60_000) });
    expect((await ok.frames)[0]!.headers?.get(Headers.status)).toBe('200');
    expect(calls).toBe(1);
  });

  it('answers a fast 503 naming the next stage when it is not running (warm-up over)', async () => {
    // A process whose presence is past its warm-up and has never heard of the next stage.
    const nc = await connectBus({ url: nats.url, name: 'lonely-stage', log });
    const presence = createPresence(nc);
    await new Promise((r) => setTimeout(r, 1_600));
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('cache');
    const downstream: Msg[] = [];
    clientNc.subscribe(next, { callback: (_, msg) => void downstream.push(msg) });
    await clientNc.flush();
    const s = await startStage({
      nc,
      presence,
      name: 'policy-lonely',
      subjects: [entry],
      queue: 'policy-lonely',
      log,
      handle: () => ({ forward: next, stage: 'cache-never-started' }),
    });
    try {
      const started = Date.now();
      const sent = send(entry, '{}');
      const [frame] = await sent.frames;
      await nc.flush();
      await settle();

      expect(Date.now() - started).toBeLessThan(1_000);
      expect(frame!.headers?.get(Headers.status)).toBe('503');
      expect(frame!.headers?.get(Headers.errorCode)).toBe('unavailable');
      expect(errorBody(frame!).error.message).toContain('cache-never-started');
      expect(downstream).toEqual([]);
      expect(eventsFor(sent.requestId)).toMatchObject([{ status: 503, error_code: 'unavailable' }]);
    } finally {
      await s.stop(100);
      await presence.stop();
      await nc.close();
    }
  });

  it('answers a fast 503 at once when the next stage announced and then withdrew', async () => {
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('route');
    await announceDownstream('router-going');
    await stage('cache-x', entry, () => ({ forward: next, stage: 'router-going' }));
    clientPresence.withdraw('router-going');
    await settle();

    const [frame] = await send(entry, '{}').frames;
    expect(frame!.headers?.get(Headers.status)).toBe('503');
    expect(errorBody(frame!).error.message).toContain('router-going');
  });

  it('does not answer twice when the handler replied and then failed', async () => {
    const entry = uniqueSubject('entry');
    await stage('policy-reply-then-throw', entry, (req) => {
      req.reply.response(new TextEncoder().encode('{"ok":true}'));
      throw new Error('late failure');
    });
    const reply = createInbox();
    const frames: Msg[] = [];
    clientNc.subscribe(reply, { callback: (_, msg) => void frames.push(msg) });
    const h = natsHeaders();
    const requestId = randomUUID();
    h.set(Headers.requestId, requestId);
    clientNc.publish(entry, '{}', { reply, headers: h });
    await settle();

    expect(frames.map((f) => f.headers?.get(Headers.frame))).toEqual(['response']);
    expect(eventsFor(requestId).map((e) => e.status)).toEqual([200]);
  });
});

describe('startStage prepare hook', () => {
  async function preparedStage(
    name: string,
    subject: string,
    prepare: (req: Parameters<StageHandler>[0]) => void,
    handle: StageHandler,
  ): Promise<void> {
    stages.push(
      await startStage({
        nc: stageNc,
        presence: stagePresence,
        name,
        subjects: [subject],
        queue: name,
        log,
        prepare,
        handle,
      }),
    );
  }

  it('runs before the handler, and what it sets is what the handler and the next stage see', async () => {
    const entry = uniqueSubject('entry');
    const next = uniqueSubject('next');
    await announceDownstream('next-prepared');
    const downstream: Msg[] = [];
    clientNc.subscribe(next, { callback: (_, msg) => void downstream.push(msg) });
    await clientNc.flush();
    let seenByHandler: string | undefined;
    await preparedStage(
      'policy-prepared',
      entry,
      (req) => {
        req.headers.delete(Headers.keyId); // a caller may not claim an identity
        req.headers.set(Headers.model, 'gpt-4o');
      },
      (req) => {
        seenByHandler = req.headers.get(Headers.model);
        return { forward: next, stage: 'next-prepared' };
      },
    );
    send(entry, '{}', { [Headers.keyId]: 'forged-admin' });
    await settle();
    expect(seenByHandler).toBe('gpt-4o');
    expect(downstream).toHaveLength(1);
    expect(downstream[0]!.headers?.get(Headers.keyId)).toBe('');
    expect(downstream[0]!.headers?.get(Headers.model)).toBe('gpt-4o');
  });

  it('refuses the request when it throws, with its error and without calling the handler', async () => {
    const entry = uniqueSubject('entry');
    let calls = 0;
    await preparedStage(
      'policy-refusing',
      entry,
      () => {
        throw new GatewayError('invalid_request', "Missing required parameter: 'messages'.", {
          param: 'messages',
        });
      },
      () => {
        calls++;
        return undefined;
      },
    );
    const sent = send(entry, '{"model":"m"}');
    const [frame] = await sent.frames;
    await settle();
    expect(calls).toBe(0);
    expect(frame!.headers?.get(Headers.status)).toBe('400');
    expect(errorBody(frame!).error).toMatchObject({ param: 'messages', type: 'invalid_request_error' });
    expect(eventsFor(sent.requestId)).toMatchObject([{ status: 400, error_code: 'invalid_request' }]);
  });

  it('a deadline it computes is enforced before the handler runs', async () => {
    const entry = uniqueSubject('entry');
    let calls = 0;
    await preparedStage(
      'policy-deadline-prepared',
      entry,
      (req) => req.headers.set(Headers.deadline, String(Date.now() - 1)),
      () => {
        calls++;
        return undefined;
      },
    );
    const [frame] = await send(entry, '{}').frames;
    expect(calls).toBe(0);
    expect(frame!.headers?.get(Headers.status)).toBe('504');
  });
});

describe('Stage.stop', () => {
  it('waits for an in-flight async handler to finish and answer, then resolves', async () => {
    const entry = uniqueSubject('entry');
    let release!: () => void;
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const s = await stage('worker-slow', entry, async (req) => {
      entered();
      await new Promise<void>((r) => (release = r));
      req.reply.response(new TextEncoder().encode('{"late":true}'));
      return undefined;
    });
    const sent = send(entry, '{}');
    await inHandler;

    let stopped = false;
    const stopping = s.stop(5_000).then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(stopped).toBe(false);

    release();
    await stopping;
    const [frame] = await sent.frames;
    expect(frame!.json()).toEqual({ late: true });
  });

  it('stops taking new messages and withdraws its presence', async () => {
    const entry = uniqueSubject('entry');
    let calls = 0;
    const s = await stage('stopping-stage', entry, (req) => {
      calls++;
      req.reply.response(new Uint8Array());
      return undefined;
    });
    await settle();
    expect(clientPresence.isAlive('stopping-stage')).toBe(true);
    await s.stop();
    await settle();
    expect(clientPresence.isAlive('stopping-stage')).toBe(false);

    clientNc.publish(entry, '{}');
    await settle();
    expect(calls).toBe(0);
  });

  it('gives up waiting after the grace period', async () => {
    const entry = uniqueSubject('entry');
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const s = await stage('worker-stuck', entry, async () => {
      entered();
      await new Promise(() => undefined);
      return undefined;
    });
    send(entry, '{}');
    await inHandler;
    const started = Date.now();
    await s.stop(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('resolves every concurrent stop() call once the in-flight work is done', async () => {
    const entry = uniqueSubject('entry');
    let release!: () => void;
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const s = await stage('worker-double-stop', entry, async (req) => {
      entered();
      await new Promise<void>((r) => (release = r));
      req.reply.response(new Uint8Array());
      return undefined;
    });
    const sent = send(entry, '{}');
    await inHandler;
    const started = Date.now();
    const first = s.stop(5_000);
    const second = s.stop(5_000);
    setTimeout(() => release(), 50);
    await Promise.all([first, second, sent.frames]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
