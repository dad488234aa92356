import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, publishCompleted, type NatsConnection } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { REQUEST_CONTENT_STREAM, type RequestCompleted } from '@switchyard/contracts';
import { startNats, waitUntil } from '@switchyard/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventsConsumer } from '../jetstream/events-consumer.js';
import { startRequestLog } from './request-log.js';

const log = pino({ level: 'silent' });
const requestLogConfig = (overrides: Record<string, unknown> = {}) =>
  parseConfig({ telemetry: { request_log: overrides } }).telemetry.request_log;
const HOUR = 3_600_000;

const event = (request_id: string, overrides: Partial<RequestCompleted> = {}): RequestCompleted => ({
  request_id,
  op: 'chat.completions',
  model: 'gpt-4o',
  key_id: 'app',
  stream: false,
  status: 200,
  received_at: Date.now(),
  duration_ms: 5,
  ...overrides,
});

let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectBus({ url: nats.url, name: 'request-log-test', log });
  // The events stream, as telemetry creates it; its consumer is not needed here.
  await (await startEventsConsumer({ nc, log, handle: async () => undefined })).stop();
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

describe('request log', () => {
  it('reads each request’s record from its completion event, once however often it was published', async () => {
    const requestLog = await startRequestLog({ nc, log, config: requestLogConfig() });
    const since = Date.now() - 1_000;
    for (const e of [
      event('r-1'),
      event('r-2', { key_id: 'batch', status: 429 }),
      event('r-1'),
      event('r-3'),
    ])
      publishCompleted(nc, e);
    await nc.flush();

    let ids: string[] = [];
    await waitUntil(async () => {
      ids = (await requestLog.query({ since, limit: 10 })).data.map((r) => r.request_id);
      return ids.length >= 3;
    });
    expect(ids).toEqual(['r-3', 'r-2', 'r-1']);
    const page = await requestLog.query({ since, limit: 10, status: '4xx' });
    expect(page.data).toEqual([expect.objectContaining({ request_id: 'r-2', key_id: 'batch', status: 429 })]);
    const newest = await requestLog.query({ since, limit: 1 });
    expect(newest).toMatchObject({ data: [{ request_id: 'r-3' }], has_more: true });
    await requestLog.stop();
  });

  it('serves no record older than max_age_hours, whatever the query asks for', async () => {
    const requestLog = await startRequestLog({ nc, log, config: requestLogConfig({ max_age_hours: 1 }) });
    publishCompleted(nc, event('old', { key_id: 'aged', received_at: Date.now() - 2 * HOUR }));
    publishCompleted(nc, event('new', { key_id: 'aged' }));
    await nc.flush();

    let ids: string[] = [];
    await waitUntil(async () => {
      ids = (await requestLog.query({ since: Date.now() - 3 * HOUR, key_id: 'aged', limit: 10 })).data.map(
        (r) => r.request_id,
      );
      return ids.includes('new');
    });
    expect(ids).toEqual(['new']);
    await requestLog.stop();
  });

  it('counts and logs a content write no stream acknowledged', async () => {
    const dropped: string[] = [];
    const config = requestLogConfig({ record_content: true });
    const requestLog = await startRequestLog({ nc, log, config, onDropped: (r) => dropped.push(r) });
    await (await jetstreamManager(nc)).streams.delete(REQUEST_CONTENT_STREAM);
    requestLog.appendContent('lost', { prompt: 'user: hi' });
    await requestLog.stop();
    expect(dropped).toEqual(['error']);
  });

  it('never throws: a content write on a closed connection is counted as failed', async () => {
    const own = await connectBus({ url: nats.url, name: 'request-log-closed', log });
    const dropped: string[] = [];
    const config = requestLogConfig({ record_content: true });
    const requestLog = await startRequestLog({ nc: own, log, config, onDropped: (r) => dropped.push(r) });
    await own.close();
    expect(() => requestLog.appendContent('closed', { prompt: 'user: hi' })).not.toThrow();
    await requestLog.stop();
    expect(dropped).toEqual(['error']);
  });
});
