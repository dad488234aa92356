import { StoreUnavailable, Subjects } from '@switchyard/contracts';
import { startNats, waitUntil } from '@switchyard/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreAlarm } from './store-alarm.js';

let nats: { url: string; stop(): Promise<void> };
let nc: NatsConnection;
const events: StoreUnavailable[] = [];
const lines: { level: string; msg: string }[] = [];
const log = {
  error: (_: unknown, msg: string) => void lines.push({ level: 'error', msg }),
  info: (_: unknown, msg: string) => void lines.push({ level: 'info', msg }),
  warn: (_: unknown, msg: string) => void lines.push({ level: 'warn', msg }),
  debug: () => undefined,
};

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  nc.subscribe(Subjects.events.storeUnavailable, {
    callback: (_, msg) => void events.push(StoreUnavailable.parse(msg.json())),
  });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

describe('createStoreAlarm', () => {
  it('logs an outage once, and counts every affected request in at most one event per interval', async () => {
    const alarm = createStoreAlarm(nc, log, { service: 'cache', store: 'redis', everyMs: 200 });
    for (let i = 0; i < 5; i++) alarm.report('bypass', new Error('connection refused'));
    await waitUntil(() => events.reduce((n, e) => n + e.count, 0) === 5);
    expect(events[0]).toMatchObject({ service: 'cache', store: 'redis', action: 'bypass', count: 1 });
    expect(events).toHaveLength(2);
    expect(lines.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', msg: 'redis is unavailable' },
    ]);

    alarm.recovered();
    alarm.recovered();
    alarm.report('bypass');
    expect(lines.map((l) => l.msg)).toEqual([
      'redis is unavailable',
      'redis is available again',
      'redis is unavailable',
    ]);
  });
});
