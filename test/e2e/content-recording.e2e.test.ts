import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  REQUEST_CONTENT_STREAM,
  Subjects,
  type RequestLogPage,
  type RequestRecord,
} from '@switchyard/contracts';
import { startNats, waitUntil, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-content-0123456789';
const APP_KEY = 'sk-app-content-0123456789';
/** A secret a user pastes into a prompt; the demo provider echoes it back in its answer too. */
const SECRET = 'sk-proj-Zx81Qw0PlmK2nB7vC4xA';
const MAX_CONTENT_BYTES = 400;

interface Setup {
  nats: ServiceHandle;
  gw: TestGateway;
  /** Sees every `request.content` event published. */
  watcher: NatsConnection;
  contentEvents: number;
}

async function setUp(requestLog: Record<string, unknown>): Promise<Setup> {
  const nats = await startNats({ ignoreEnv: true });
  const gw = await startGateway(nats.url, {
    master_key: MASTER,
    keys: [{ id: 'app', key: APP_KEY, models: ['*'] }],
    providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
    models: { demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] } },
    telemetry: { port: 0, request_log: requestLog },
  });
  const watcher = await connect({ servers: nats.url });
  const setup: Setup = { nats, gw, watcher, contentEvents: 0 };
  watcher.subscribe(Subjects.events.requestContent, { callback: () => void setup.contentEvents++ });
  await watcher.flush();
  return setup;
}

async function tearDown(s: Setup | undefined): Promise<void> {
  await s?.watcher.close();
  await s?.gw.stop();
  await s?.nats.stop();
}

async function chat(s: Setup, content: string, stream = false): Promise<string> {
  const res = await fetch(`${s.gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo', stream, messages: [{ role: 'user', content }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('x-request-id')!;
}

/** The request's record, once telemetry has written it. */
async function recordOf(s: Setup, requestId: string): Promise<RequestRecord> {
  let record: RequestRecord | undefined;
  await waitUntil(async () => {
    const res = await fetch(`${s.gw.url}/admin/requests`, { headers: { authorization: `Bearer ${MASTER}` } });
    record = ((await res.json()) as RequestLogPage).data.find((r) => r.request_id === requestId);
    return record !== undefined && (record.content !== undefined || !recordsContent(s));
  });
  return record!;
}
const recordsContent = (s: Setup): boolean => s.gw.config.telemetry.request_log.record_content;

/** Every message the content stream holds, as raw text; none when there is no such stream. */
async function storedContent(s: Setup): Promise<string[]> {
  const jsm = await jetstreamManager(s.watcher);
  const streams: string[] = [];
  for await (const name of jsm.streams.names()) streams.push(name);
  if (!streams.includes(REQUEST_CONTENT_STREAM)) return [];
  const info = await jsm.streams.info(REQUEST_CONTENT_STREAM, {
    subjects_filter: `${Subjects.requestLogContent}.>`,
  });
  const out: string[] = [];
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const m = await jsm.streams.getMessage(REQUEST_CONTENT_STREAM, { last_by_subj: subject });
    if (m) out.push(m.string());
  }
  return out;
}

describe('content recording off (the default)', () => {
  let s: Setup;
  beforeAll(async () => void (s = await setUp({})), 30_000);
  afterAll(() => tearDown(s));

  it('keeps no prompt or answer anywhere: not in the record, the stream, or on the bus', async () => {
    const id = await chat(s, `remember ${SECRET}`);
    const record = await recordOf(s, id);

    expect(record.content).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain('remember');
    expect(await storedContent(s)).toEqual([]);
    expect(s.contentEvents).toBe(0);
  });
});

describe('content recording on', () => {
  let s: Setup;
  beforeAll(
    async () =>
      void (s = await setUp({
        record_content: true,
        redact: [String.raw`\bACCT-\d{6}\b`],
        max_content_bytes: MAX_CONTENT_BYTES,
      })),
    30_000,
  );
  afterAll(() => tearDown(s));

  it('keeps the prompt and the answer, with secrets redacted before anything is written', async () => {
    const id = await chat(s, `my key is ${SECRET} and my account ACCT-123456, what now?`);
    const record = await recordOf(s, id);

    expect(record.content!.prompt).toBe('user: my key is [REDACTED] and my account [REDACTED], what now?');
    // The demo provider echoes the prompt: the answer is redacted as well.
    expect(record.content!.answer).toContain('my key is [REDACTED]');
    expect(record.content!.truncated).toBeUndefined();
    const stored = await storedContent(s);
    expect(stored.length).toBeGreaterThan(0);
    for (const raw of stored) {
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain('ACCT-123456');
    }
  });

  it('keeps a streamed answer, assembled from its chunks', async () => {
    const id = await chat(s, 'stream this back', true);
    const record = await recordOf(s, id);
    expect(record.content!.prompt).toBe('user: stream this back');
    expect(record.content!.answer).toContain('stream this back');
  });

  it('cuts a long prompt and answer to max_content_bytes and says so', async () => {
    const id = await chat(s, 'word '.repeat(400));
    const record = await recordOf(s, id);
    expect(Buffer.byteLength(record.content!.prompt)).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
    expect(Buffer.byteLength(record.content!.answer!)).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
    expect(record.content!.truncated).toBe(true);
  });
});
