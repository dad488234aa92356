import { Headers, QueueGroups, Subjects } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type BusLogger, type NatsConnection } from './connect.js';
import type { Frame } from './frame.js';
import { startLocalDispatch } from './local-dispatch.js';
import { flushEvents, publishEvent, subscribeEvent, type EventSubscription } from './local-events.js';
import { createReplier } from './replier.js';
import { createReplyInbox } from './reply-inbox.js';

let nats: { url: string; stop(): Promise<void> };
/** A process with local dispatch on (its main and events connections). */
let localNc: NatsConnection;
let localEvents: NatsConnection;
/** Another process, without local dispatch. */
let otherNc: NatsConnection;
const log: BusLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const text = new TextDecoder();

beforeAll(async () => {
  nats = await startNats();
  localNc = await connectBus({ url: nats.url, name: 'local-events-test', log });
  localEvents = await startLocalDispatch(localNc, { url: nats.url, name: 'local-events-test', log });
  otherNc = await connectBus({ url: nats.url, name: 'local-events-other', log });
});

afterAll(async () => {
  await localNc?.close();
  await localEvents?.close();
  await otherNc?.close();
  await nats?.stop();
});

let n = 0;
const subject = (name: string): string => `test.events.${name}.${n++}`;

/** Subscribes and counts what each subscriber handled. */
async function counting(
  nc: NatsConnection,
  subj: string,
  queue?: string,
): Promise<{ got: string[]; sub: EventSubscription }> {
  const got: string[] = [];
  const sub = subscribeEvent(nc, { subject: subj, queue, log, handle: (d) => got.push(text.decode(d)) });
  await Promise.all([localNc.flush(), localEvents.flush(), otherNc.flush()]);
  return { got, sub };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await Promise.all([localNc.flush(), localEvents.flush(), otherNc.flush()]);
};

describe('events with local dispatch', () => {
  it('has a queue group handle each event once: its member in the publishing process, not another', async () => {
    const subj = subject('queue');
    const local = await counting(localNc, subj, 'group');
    const remote = await counting(otherNc, subj, 'group');
    const everyone = await counting(otherNc, subj);
    for (let i = 0; i < 20; i++) publishEvent(localNc, subj, `e${i}`);
    await settle();
    expect(local.got).toHaveLength(20);
    expect(remote.got).toHaveLength(0);
    // Other processes still hear every event through NATS.
    expect(everyone.got).toHaveLength(20);
    for (const s of [local, remote, everyone]) s.sub.unsubscribe();
  });

  it('gives a subscriber each of its own process’s events once, and other processes’ through NATS', async () => {
    const subj = subject('fanout');
    const local = await counting(localNc, subj);
    for (let i = 0; i < 5; i++) publishEvent(localNc, subj, `own${i}`);
    for (let i = 0; i < 3; i++) publishEvent(otherNc, subj, `other${i}`);
    await settle();
    expect(local.got.sort()).toEqual(['other0', 'other1', 'other2', 'own0', 'own1', 'own2', 'own3', 'own4']);
    local.sub.unsubscribe();
  });

  it('sends other processes every event in order, and what is still waiting at once on flushEvents', async () => {
    const subj = subject('batched');
    const everyone = await counting(otherNc, subj);
    // Half in one turn of the event loop, half each from a callback of its own.
    for (let i = 0; i < 50; i++) publishEvent(localNc, subj, `e${i}`);
    await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) => new Promise((r) => setTimeout(() => r(publishEvent(localNc, subj, `e${50 + i}`)), 0)),
      ),
    );
    publishEvent(localNc, subj, 'last');
    await flushEvents(localNc);
    await otherNc.flush();
    expect(everyone.got).toEqual([...Array.from({ length: 100 }, (_, i) => `e${i}`), 'last']);
    everyone.sub.unsubscribe();
  });

  it('lets another member of a queue group take events while this process has none in it', async () => {
    const subj = subject('elsewhere');
    const remote = await counting(otherNc, subj, 'group');
    publishEvent(localNc, subj, 'to-remote');
    await settle();
    expect(remote.got).toEqual(['to-remote']);
    remote.sub.unsubscribe();
  });

  it('stores events published through the events connection in a stream capturing them', async () => {
    const subj = subject('stored');
    const jsm = await jetstreamManager(otherNc);
    const name = `EVENTS_TEST_${n}`;
    await jsm.streams.add({ name, subjects: [subj] });
    const h = natsHeaders();
    h.set('Nats-Msg-Id', 'one-request');
    publishEvent(localNc, subj, 'stored', h);
    publishEvent(localNc, subj, 'stored', h);
    await settle();
    expect((await jsm.streams.info(name)).state.messages).toBe(1);
    await jsm.streams.delete(name);
  });
});

describe('replies with local dispatch', () => {
  it('hands frames from a replier of this process to its reply inbox, in order, without NATS', async () => {
    let onNats = 0;
    otherNc.subscribe('_INBOX.>', { callback: () => onNats++ });
    await otherNc.flush();
    const inbox = createReplyInbox(localNc);
    const frames: Frame[] = [];
    const done = new Promise<void>((resolve) => {
      const { subject: reply } = inbox.open((frame) => {
        if (frame instanceof Error) throw frame;
        frames.push(frame);
        if (frame.kind === 'done') resolve();
      });
      const replier = createReplier(localNc, reply, natsHeaders());
      for (const chunk of ['a', 'b', 'c']) replier.chunk(new TextEncoder().encode(chunk));
      replier.done();
    });
    await done;
    expect(frames.map((f) => [f.kind, f.seq, text.decode(f.data)])).toEqual([
      ['chunk', 0, 'a'],
      ['chunk', 1, 'b'],
      ['chunk', 2, 'c'],
      ['done', 3, ''],
    ]);
    await settle();
    expect(onNats).toBe(0);
    inbox.stop();
  });

  it('hands an answer larger than a NATS message to its own reply inbox whole, without a claim check', async () => {
    const inbox = createReplyInbox(localNc);
    const big = new Uint8Array(localNc.info!.max_payload + 1024).fill(7);
    const frame = await new Promise<Frame>((resolve, reject) => {
      const { subject: reply } = inbox.open((f) => (f instanceof Error ? reject(f) : resolve(f)));
      createReplier(localNc, reply, natsHeaders()).response(big);
    });
    expect(frame.kind).toBe('response');
    expect(frame.data.byteLength).toBe(big.byteLength);
    expect(frame.headers?.get(Headers.bodyRef)).toBe('');
    inbox.stop();
  });

  it('has this process’s policy settle a request before its answer reaches the requester', async () => {
    const order: string[] = [];
    const policy = subscribeEvent(localNc, {
      subject: Subjects.events.requestCompleted,
      queue: QueueGroups.policy,
      log,
      handle: (d) => order.push(`settled ${JSON.parse(text.decode(d)).request_id}`),
    });
    const otherPolicy = await counting(otherNc, Subjects.events.requestCompleted, QueueGroups.policy);
    const inbox = createReplyInbox(localNc);
    const answered = new Promise<void>((resolve) => {
      const { subject: reply } = inbox.open(() => {
        order.push('answered');
        resolve();
      });
      const h = natsHeaders();
      h.set(Headers.requestId, 'req-ordered');
      createReplier(localNc, reply, h).response(new TextEncoder().encode('{}'));
    });
    await answered;
    await settle();
    expect(order).toEqual(['settled req-ordered', 'answered']);
    // Another process's policy never settles it a second time.
    expect(otherPolicy.got.filter((e) => e.includes('req-ordered'))).toEqual([]);
    policy.unsubscribe();
    otherPolicy.sub.unsubscribe();
    inbox.stop();
  });
});
