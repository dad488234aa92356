import { randomUUID } from 'node:crypto';
import { Headers, type OpenAIErrorBody } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { createInbox, headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type BusLogger, type NatsConnection } from './connect.js';
import { publishOrDeliver, startLocalDispatch } from './local-dispatch.js';
import { createPresence, type Presence } from './presence.js';
import { signRequest } from './request-signature.js';
import { startStage, type Stage, type StageHandler } from './stage.js';

let nats: { url: string; stop(): Promise<void> };
/** One process running several stages, with local dispatch on. */
let localNc: NatsConnection;
let localEvents: NatsConnection;
let localPresence: Presence;
/** Another process: the requester, a remote replica, and an observer of every subject. */
let otherNc: NatsConnection;
let otherPresence: Presence;
const log: BusLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let stages: Stage[] = [];
const SECRET = 'local-dispatch-test-secret';

beforeAll(async () => {
  nats = await startNats();
  localNc = await connectBus({ url: nats.url, name: 'local-dispatch-test', log });
  localEvents = await startLocalDispatch(localNc, { url: nats.url, name: 'local-dispatch-test', log });
  localPresence = createPresence(localNc);
  otherNc = await connectBus({ url: nats.url, name: 'local-dispatch-other', log });
  otherPresence = createPresence(otherNc);
});

afterEach(async () => {
  await Promise.all(stages.map((s) => s.stop(100)));
  stages = [];
});

afterAll(async () => {
  await localPresence?.stop();
  await otherPresence?.stop();
  await localNc?.close();
  await localEvents?.close();
  await otherNc?.close();
  await nats?.stop();
});

let n = 0;
const subject = (name: string): string => `test.local.${name}.${n++}`;

async function stage(
  nc: NatsConnection,
  presence: Presence,
  name: string,
  subjects: string[],
  handle: StageHandler,
  signingSecret?: string,
): Promise<Stage> {
  const s = await startStage({ nc, presence, name, subjects, queue: name, log, handle, signingSecret });
  stages.push(s);
  return s;
}

/** Counts what NATS delivers on a subject, from another connection. */
async function watchNats(subj: string): Promise<{ count: () => number }> {
  let count = 0;
  otherNc.subscribe(subj, { callback: () => count++ });
  await otherNc.flush();
  return { count: () => count };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 2; i++) {
    await localNc.flush();
    await otherNc.flush();
  }
};

/** Publishes like the ingress of another process and collects the reply frames up to the terminal one. */
function send(subj: string, body: string, extra: Record<string, string> = {}): Promise<Msg[]> {
  const reply = createInbox();
  const frames = new Promise<Msg[]>((resolve, reject) => {
    const got: Msg[] = [];
    const timer = setTimeout(() => reject(new Error(`no terminal frame on ${subj}`)), 5_000);
    const sub = otherNc.subscribe(reply, {
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
  const h = natsHeaders();
  h.set(Headers.requestId, randomUUID());
  h.set(Headers.op, 'chat.completions');
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  otherNc.publish(subj, body, { reply, headers: h });
  return frames;
}

const text = (msg: Msg): string => new TextDecoder().decode(msg.data);
const errorOf = (msg: Msg): { status: string | undefined; body: OpenAIErrorBody } => ({
  status: msg.headers?.get(Headers.status),
  body: msg.json<OpenAIErrorBody>(),
});

/** A first stage that stamps a header and forwards to `next`, as policy forwards to cache. */
const forwardTo =
  (next: string, stageName: string): StageHandler =>
  (req) => {
    req.headers.set('sy-test-seen-by', 'first');
    return { forward: next, stage: stageName };
  };

describe('local dispatch between stages of one process', () => {
  it('hands a forward to a stage of the same process without publishing it on NATS', async () => {
    const entry = subject('entry');
    const next = subject('next');
    const onNats = await watchNats(next);
    await stage(localNc, localPresence, 'first', [entry], forwardTo(next, 'second'));
    await stage(localNc, localPresence, 'second', [next], (req) => {
      req.reply.response(
        new TextEncoder().encode(
          `${text({ data: req.data } as Msg)} via ${req.headers.get('sy-test-seen-by')}`,
        ),
      );
      return undefined;
    });
    const frames = await send(entry, 'hello');
    expect(frames.map(text)).toEqual(['hello via first']);
    await settle();
    expect(onNats.count()).toBe(0);
  });

  it('publishes on NATS once the local stage is stopping, and a replica elsewhere answers', async () => {
    const entry = subject('entry');
    const next = subject('next');
    const onNats = await watchNats(next);
    await stage(localNc, localPresence, 'first-b', [entry], forwardTo(next, 'second-b'));
    const local = await stage(localNc, localPresence, 'second-b', [next], (req) => {
      req.reply.response(new TextEncoder().encode('local'));
      return undefined;
    });
    await stage(otherNc, otherPresence, 'second-b', [next], (req) => {
      req.reply.response(new TextEncoder().encode('remote'));
      return undefined;
    });
    await settle();
    expect((await send(entry, 'x')).map(text)).toEqual(['local']);
    await local.stop(100);
    await settle();
    expect((await send(entry, 'x')).map(text)).toEqual(['remote']);
    expect(onNats.count()).toBe(1);
  });

  it('answers 503 at once when the local stage stopped and runs nowhere else, as over NATS', async () => {
    const entry = subject('entry');
    const next = subject('next');
    await stage(localNc, localPresence, 'first-c', [entry], forwardTo(next, 'second-c'));
    const second = await stage(localNc, localPresence, 'second-c', [next], (req) => {
      req.reply.response(new TextEncoder().encode('local'));
      return undefined;
    });
    await second.stop(100);
    await settle();
    const [frame] = await send(entry, 'x');
    expect(errorOf(frame!).status).toBe('503');
  });

  it('checks the deadline and the policy signature of a local message, as of one from NATS', async () => {
    const entry = subject('entry');
    const next = subject('next');
    let handled = 0;
    await stage(localNc, localPresence, 'first-d', [entry], (req) => {
      const mode = new TextDecoder().decode(req.data);
      if (mode === 'late') req.headers.set(Headers.deadline, String(Date.now() - 1));
      if (mode === 'signed' || mode === 'late') signRequest(req.headers, SECRET, Date.now() + 60_000);
      return { forward: next, stage: 'second-d' };
    });
    await stage(
      localNc,
      localPresence,
      'second-d',
      [next],
      (req) => {
        handled++;
        req.reply.response(new TextEncoder().encode('ok'));
        return undefined;
      },
      SECRET,
    );
    const [late] = await send(entry, 'late');
    expect(errorOf(late!).status).toBe('504');
    const [unsigned] = await send(entry, 'unsigned');
    expect(errorOf(unsigned!).status).toBe('403');
    expect(handled).toBe(0);
    expect((await send(entry, 'signed')).map(text)).toEqual(['ok']);
    expect(handled).toBe(1);
  });

  it('takes the signature of a request a stage of this process checked as checked, and never one from NATS', async () => {
    const entry = subject('entry');
    const local = subject('local');
    const remote = subject('remote');
    const answer: StageHandler = (req) => {
      req.reply.response(new TextEncoder().encode(`${req.headers.get(Headers.model)} answered`));
      return undefined;
    };
    // The checking stage changes a signed header after its check: only a second check would see it.
    await stage(
      localNc,
      localPresence,
      'checker',
      [entry],
      (req) => {
        req.headers.set(Headers.model, 'changed-after-the-check');
        const to = new TextDecoder().decode(req.data);
        return to === 'local'
          ? { forward: local, stage: 'next-local' }
          : { forward: remote, stage: 'next-remote' };
      },
      SECRET,
    );
    await stage(localNc, localPresence, 'next-local', [local], answer, SECRET);
    await stage(otherNc, otherPresence, 'next-remote', [remote], answer, SECRET);
    const signed = (): Record<string, string> => {
      const h = natsHeaders();
      h.set(Headers.requestId, randomUUID());
      h.set(Headers.model, 'gpt-4o');
      signRequest(h, SECRET, Date.now() + 60_000);
      return Object.fromEntries([...h].map(([k, v]) => [k, v[0]!]));
    };
    expect((await send(entry, 'local', signed())).map(text)).toEqual(['changed-after-the-check answered']);
    const [overNats] = await send(entry, 'remote', signed());
    expect(errorOf(overNats!).status).toBe('403');
  });

  it('answers 500 in the OpenAI shape when the local stage’s handler throws', async () => {
    const entry = subject('entry');
    const next = subject('next');
    await stage(localNc, localPresence, 'first-e', [entry], forwardTo(next, 'second-e'));
    await stage(localNc, localPresence, 'second-e', [next], async () => {
      await Promise.resolve();
      throw new Error('boom');
    });
    const [frame] = await send(entry, 'x');
    const { status, body } = errorOf(frame!);
    expect(status).toBe('500');
    expect(body.error.message).not.toContain('boom');
  });

  it('lets a stopping stage finish a message handed to it, and then stops', async () => {
    const entry = subject('entry');
    const next = subject('next');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await stage(localNc, localPresence, 'first-f', [entry], forwardTo(next, 'second-f'));
    const second = await stage(localNc, localPresence, 'second-f', [next], async (req) => {
      await held;
      req.reply.response(new TextEncoder().encode('finished'));
      return undefined;
    });
    const answer = send(entry, 'x');
    await settle();
    const stopped = second.stop(5_000);
    release();
    await stopped;
    expect((await answer).map(text)).toEqual(['finished']);
  });

  it('gives a sender that keeps its headers a copy, so the stage’s changes stay the stage’s', async () => {
    const entry = subject('entry');
    const onNats = await watchNats(entry);
    await stage(localNc, localPresence, 'first-g', [entry], (req) => {
      req.headers.set(Headers.keyId, 'stamped-by-stage');
      req.reply.response(new TextEncoder().encode(req.headers.get(Headers.requestId)));
      return undefined;
    });
    const reply = createInbox();
    const got = new Promise<Msg>((resolve) =>
      otherNc.subscribe(reply, { max: 1, callback: (_, m) => resolve(m) }),
    );
    await otherNc.flush();
    const h = natsHeaders();
    h.set(Headers.requestId, 'req-kept');
    expect(publishOrDeliver(localNc, entry, new Uint8Array(0), { reply, headers: h }, true)).toBe(true);
    expect(text(await got)).toBe('req-kept');
    expect(h.get(Headers.keyId)).toBe('');
    await settle();
    expect(onNats.count()).toBe(0);
  });

  it('leaves a connection without local dispatch on NATS', async () => {
    const entry = subject('entry');
    const onNats = await watchNats(entry);
    await stage(otherNc, otherPresence, 'first-h', [entry], (req) => {
      req.reply.response(new TextEncoder().encode('over nats'));
      return undefined;
    });
    const reply = createInbox();
    const got = new Promise<Msg>((resolve) =>
      otherNc.subscribe(reply, { max: 1, callback: (_, m) => resolve(m) }),
    );
    await otherNc.flush();
    expect(publishOrDeliver(otherNc, entry, new Uint8Array(0), { reply, headers: natsHeaders() })).toBe(
      false,
    );
    expect(text(await got)).toBe('over nats');
    await settle();
    expect(onNats.count()).toBe(1);
  });
});
