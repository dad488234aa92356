import { Writable } from 'node:stream';
import { Kvm, type KV } from '@nats-io/kv';
import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { parseConfig, storedModelKey } from '@switchyard/config';
import {
  Headers,
  ROUTES_BUCKET,
  Subjects,
  type RequestCompleted,
  type UsagePage,
} from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryService } from '../service.js';

const config = parseConfig({
  providers: { openai: { type: 'openai-compatible', base_url: 'https://example.test/v1' } },
  models: { 'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] } },
  telemetry: { host: '127.0.0.1', port: 0 },
});
const deployments = [{ provider: 'openai', model: 'gpt-4o-mini' }];

/** Log lines a service wrote, parsed. */
function captureLog(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { log, lines };
}

/** Stores a model alias exactly as the router's `PUT /admin/routes/<alias>` does. */
const storeAlias = (kv: KV, alias: string, value: unknown = { alias, model: { deployments } }) =>
  kv.put(storedModelKey(alias), JSON.stringify(value));

const event = (model: string, overrides: Partial<RequestCompleted> = {}): RequestCompleted => ({
  request_id: `req-${Math.random()}`,
  op: 'chat.completions',
  model,
  key_id: 'app',
  provider: 'openai',
  deployment: 'openai/gpt-4o-mini',
  stream: false,
  status: 200,
  received_at: Date.now(),
  duration_ms: 30,
  ...overrides,
});

/** The value of `switchyard_requests_total` for one model label, summed over its other labels. */
async function requests(telemetry: TelemetryService, model: string): Promise<number> {
  const text = await (await fetch(`${telemetry.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('switchyard_requests_total{') && line.includes(`model="${model}"`))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`never happened: ${what}`);
}

describe('telemetry with model aliases added at run time', () => {
  let nats: { url: string; stop(): Promise<void> };
  let nc: NatsConnection;
  let presence: Presence;
  let telemetry: TelemetryService;
  let kv: KV;
  const { log } = captureLog();

  const publish = (e: RequestCompleted): void =>
    nc.publish(Subjects.events.requestCompleted, JSON.stringify(e));

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectBus({ url: nats.url, name: 'telemetry', log });
    presence = createPresence(nc);
    kv = await new Kvm(nc).create(ROUTES_BUCKET, { history: 1 });
    // Stored before telemetry starts: a router's earlier `PUT /admin/routes/...`.
    await storeAlias(kv, 'fast');
    await storeAlias(kv, 'groq/*');
    await storeAlias(kv, 'forged', { alias: 'not-forged', model: { deployments } });
    await storeAlias(kv, 'broken', { alias: 'broken', model: { deployments: 'all of them' } });
    await kv.put(storedModelKey('junk'), 'not json');
    telemetry = await startTelemetry({ nc, presence, log, config });
  });

  afterAll(async () => {
    await telemetry?.stop();
    await presence?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('labels requests to an alias stored before it started by the alias, not other', async () => {
    publish(event('fast'));
    publish(event('fast', { status: 503, error_code: 'unavailable' }));
    publish(event('gpt-4o'));
    publish(event('fast-typo', { status: 404, error_code: 'model_not_found' }));

    await until(async () => (await requests(telemetry, 'other')) === 1, 'the typo counted');
    await until(async () => (await requests(telemetry, 'fast')) === 2, 'both requests to fast counted');
    expect(await requests(telemetry, 'gpt-4o')).toBe(1);
  });

  it('treats a stored prefix/* alias like a configured wildcard', async () => {
    publish(event('groq/llama-3.3-70b'));
    publish(event('groq/made-up', { status: 404, error_code: 'model_not_found' }));

    await until(async () => (await requests(telemetry, 'groq/*')) === 1, 'the failed groq request counted');
    expect(await requests(telemetry, 'groq/llama-3.3-70b')).toBe(1);
    expect(await requests(telemetry, 'groq/made-up')).toBe(0);
  });

  it('ignores malformed stored entries, as the router does', async () => {
    const before = await requests(telemetry, 'other');
    publish(event('forged'));
    publish(event('broken'));
    publish(event('junk'));

    await until(async () => (await requests(telemetry, 'other')) === before + 3, 'all counted as other');
    for (const model of ['forged', 'not-forged', 'broken', 'junk'])
      expect(await requests(telemetry, model)).toBe(0);
  });

  it('picks up an alias stored while it runs, in metrics and usage roll-ups', async () => {
    await storeAlias(kv, 'smart');
    // The watch delivers the new alias a moment later: ask until telemetry labels it.
    const day = Date.UTC(2026, 1, 3, 12);
    await until(async () => {
      publish(event('smart', { key_id: 'late', received_at: day }));
      await new Promise((r) => setTimeout(r, 20));
      return (await requests(telemetry, 'smart')) > 0;
    }, 'a request to smart labelled smart');

    // Roll-ups follow the events stream on their own: ask until the labelled request is in them.
    await until(async () => {
      const answer = await nc.request(
        Subjects.admin.usageQuery,
        JSON.stringify({ group_by: 'model', key_id: 'late', since: day, until: day }),
        { timeout: 5_000 },
      );
      expect(answer.headers?.get(Headers.status)).toBe('200');
      return answer.json<UsagePage>().data.some((row) => row.model === 'smart');
    }, 'the usage roll-up grouped under smart');
  });

  it('keeps the label of an alias deleted at run time', async () => {
    await kv.delete(storedModelKey('fast'));
    await new Promise((r) => setTimeout(r, 100));
    const before = await requests(telemetry, 'fast');
    publish(event('fast'));
    await until(async () => (await requests(telemetry, 'fast')) === before + 1, 'fast still labelled fast');
  });
});

describe('telemetry without JetStream', () => {
  let nats: { url: string; stop(): Promise<void> };
  let nc: NatsConnection;
  let presence: Presence;
  let telemetry: TelemetryService;
  const { log, lines } = captureLog();

  beforeAll(async () => {
    // An account without JetStream: the server has it, this connection cannot use it.
    nats = await startNats({
      extraConfig: 'accounts { PLAIN { users: [{ user: plain, password: plain }] } }',
    });
    nc = await connectBus({
      url: nats.url.replace('nats://', 'nats://plain:plain@'),
      name: 'telemetry',
      log,
    });
    presence = createPresence(nc);
    telemetry = await startTelemetry({ nc, presence, log, config });
  });

  afterAll(async () => {
    await telemetry?.stop();
    await presence?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('still starts, says once why, and labels by configured aliases', async () => {
    expect(lines.filter((l) => /run-time model aliases unavailable/.test(String(l['msg'])))).toHaveLength(1);
    nc.publish(Subjects.events.requestCompleted, JSON.stringify(event('gpt-4o')));
    nc.publish(Subjects.events.requestCompleted, JSON.stringify(event('fast')));
    await until(async () => (await requests(telemetry, 'other')) === 1, 'fast counted as other');
    expect(await requests(telemetry, 'gpt-4o')).toBe(1);
  });
});
