import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, type NatsConnection } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { REQUEST_LOG_STREAM, type RequestRecord } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRequestLog } from './request-log.js';

const log = pino({ level: 'silent' });
const config = parseConfig({}).telemetry.request_log;
const record = (request_id: string): RequestRecord => ({
  request_id,
  op: 'chat.completions',
  stream: false,
  status: 200,
  received_at: Date.now(),
  duration_ms: 5,
});

let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectBus({ url: nats.url, name: 'request-log-test', log });
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

describe('request log writes', () => {
  it('stores each record once, however often it is appended, and counts no failure', async () => {
    const dropped: string[] = [];
    const requestLog = await startRequestLog({ nc, log, config, onDropped: (r) => dropped.push(r) });
    const since = Date.now() - 1_000;
    for (const id of ['w-1', 'w-2', 'w-1']) requestLog.append(record(id));
    await requestLog.stop();

    const page = await requestLog.query({ since, limit: 10 });
    expect(page.data.map((r) => r.request_id)).toEqual(['w-2', 'w-1']);
    expect(dropped).toEqual([]);
  });

  it('counts and logs a write no stream acknowledged', async () => {
    const dropped: string[] = [];
    const requestLog = await startRequestLog({ nc, log, config, onDropped: (r) => dropped.push(r) });
    await (await jetstreamManager(nc)).streams.delete(REQUEST_LOG_STREAM);
    requestLog.append(record('lost'));
    await requestLog.stop();
    expect(dropped).toEqual(['error']);
  });

  it('never throws: a write on a closed connection is counted as failed', async () => {
    const own = await connectBus({ url: nats.url, name: 'request-log-closed', log });
    const dropped: string[] = [];
    const requestLog = await startRequestLog({ nc: own, log, config, onDropped: (r) => dropped.push(r) });
    await own.close();
    expect(() => requestLog.append(record('closed'))).not.toThrow();
    await requestLog.stop();
    expect(dropped).toEqual(['error']);
  });
});
