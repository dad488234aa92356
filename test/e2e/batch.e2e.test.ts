import OpenAI, { toFile } from 'openai';
import { createPresence, type Presence } from '@switchyard/bus';
import { SwitchyardBatchClient, isSwitchyardError } from '@switchyard/client';
import { isServiceName } from '@switchyard/cli';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import {
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBatch } from '../../services/batch/src/index.js';
import { startGateway, type TestGateway } from './gateway.js';

// OpenAI's Batch API through the `openai` SDK, against the gateway with a fake provider.
const KEY = 'sk-batch-e2e-0123456789';
const OTHER_KEY = 'sk-batch-e2e-other-0123456789';
let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let presence: Presence;
let batchService: RunningService | undefined;
let client: OpenAI;
let other: OpenAI;

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ latencyMs: 2 });
  gw = await startGateway(nats.url, {
    keys: [
      { id: 'batch', key: KEY, models: ['*'] },
      { id: 'other', key: OTHER_KEY, models: ['*'] },
    ],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url } },
    models: { 'gpt-4o-mini': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] } },
    batch: { concurrency: 32, sweep_interval_ms: 200, request_timeout_ms: 10_000 },
  });
  // Until the batch service is in the gateway's SERVICES map, the test runs it alongside.
  if (!isServiceName('batch')) {
    presence = createPresence(gw.nc);
    const log = createLogger({ name: 'batch', level: process.env['E2E_LOG_LEVEL'] ?? 'silent' });
    batchService = await startBatch({ nc: gw.nc, presence, log, config: gw.config });
  }
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  other = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: OTHER_KEY, maxRetries: 0 });
}, 30_000);

afterAll(async () => {
  await batchService?.stop();
  await presence?.stop();
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

const line = (i: number, content = `question ${i}`) => ({
  custom_id: `req-${String(i).padStart(3, '0')}`,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
});
const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

async function upload(lines: object[]) {
  return client.files.create({
    file: await toFile(Buffer.from(jsonl(lines)), 'batch.jsonl'),
    purpose: 'batch',
  });
}

async function finished(id: string, timeoutMs = 30_000) {
  let batch = await client.batches.retrieve(id);
  await waitUntil(
    async () => {
      batch = await client.batches.retrieve(id);
      return ['completed', 'failed', 'cancelled', 'expired'].includes(batch.status);
    },
    { timeoutMs, intervalMs: 100 },
  );
  return batch;
}

interface OutputLine {
  id: string;
  custom_id: string;
  response: {
    status_code: number;
    request_id: string;
    body: { choices: { message: { content: string } }[] };
  };
  error: null;
}

describe('the OpenAI Batch API', () => {
  it('runs 500 requests uploaded through the SDK and returns every answer, in custom id order', async () => {
    const file = await upload(Array.from({ length: 500 }, (_, i) => line(i)));
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'batch',
      filename: 'batch.jsonl',
      status: 'processed',
    });
    expect((await client.files.retrieve(file.id)).bytes).toBe(file.bytes);

    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { job: 'nightly' },
    });
    expect(created).toMatchObject({ object: 'batch', input_file_id: file.id, metadata: { job: 'nightly' } });
    expect(['validating', 'in_progress', 'finalizing', 'completed']).toContain(created.status);

    const batch = await finished(created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 500, completed: 500, failed: 0 });
    expect(batch.error_file_id).toBeNull();

    const text = await (await client.files.content(batch.output_file_id!)).text();
    const out = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutputLine);
    expect(out.map((o) => o.custom_id)).toEqual(Array.from({ length: 500 }, (_, i) => line(i).custom_id));
    for (const [i, o] of out.entries()) {
      expect(o.response.status_code).toBe(200);
      expect(o.response.request_id).toBe(`${batch.id}-${o.custom_id}`);
      expect(o.response.body.choices[0]!.message.content).toContain(`question ${i}`);
    }
    // Every line went upstream once.
    const upstream = fake.requests.filter((r) => JSON.stringify(r.body).includes('question '));
    expect(upstream).toHaveLength(500);

    const listed = await client.batches.list();
    expect(listed.data.map((b) => b.id)).toContain(batch.id);
  }, 40_000);

  it('keeps each key to its own files and batches', async () => {
    const file = await upload([line(1)]);
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      other.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await other.batches.list()).data.map((b) => b.id)).not.toContain(batch.id);
    const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sk-unknown-0123456789', maxRetries: 0 });
    await expect(bad.batches.list()).rejects.toMatchObject({ status: 401 });
    await expect(bad.files.retrieve(file.id)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an input file with a bad line, saying which line and why', async () => {
    const file = await upload([line(1), line(1), { ...line(2), url: '/v1/embeddings' }, { custom_id: 'x' }]);
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data).toEqual([
      expect.objectContaining({ code: 'duplicate_custom_id', line: 2 }),
      expect.objectContaining({ code: 'mismatched_endpoint', line: 3 }),
      expect.objectContaining({ code: 'invalid_request', line: 4 }),
    ]);
  });

  it('writes answers the provider refused to the error file, the rest to the output file', async () => {
    const unknownModel = {
      ...line(2),
      body: { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] },
    };
    const file = await upload([line(1, 'fine'), unknownModel]);
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const batch = await finished(created.id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const errors = await (await client.files.content(batch.error_file_id!)).text();
    expect(JSON.parse(errors)).toMatchObject({ custom_id: 'req-002', response: { status_code: 404 } });
    const output = await (await client.files.content(batch.output_file_id!)).text();
    expect(JSON.parse(output)).toMatchObject({ custom_id: 'req-001', response: { status_code: 200 } });
  });

  it('cancels a batch: no further line is sent, and what finished is in the output', async () => {
    const slowMarker = 'cancel-me';
    const file = await upload(Array.from({ length: 400 }, (_, i) => line(i, `${slowMarker} ${i}`)));
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const cancelling = await client.batches.cancel(created.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const batch = await finished(created.id);
    expect(batch.status).toBe('cancelled');
    const sent = fake.requests.filter((r) => JSON.stringify(r.body).includes(slowMarker)).length;
    expect(sent).toBeLessThan(400);
    expect(batch.request_counts.completed).toBe(sent);
    await expect(client.batches.cancel(created.id)).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('takes a batch submitted over NATS with the client, and keys it to the submitter', async () => {
    const batches = new SwitchyardBatchClient({ nc: gw.nc, apiKey: KEY });
    const submitted = await batches.submitBatch([line(7, 'over nats'), line(8, 'over nats too')], {
      metadata: { via: 'nats' },
    });
    expect(submitted).toMatchObject({ object: 'batch', status: 'in_progress', metadata: { via: 'nats' } });
    await waitUntil(async () => (await batches.getBatch(submitted.id)).status === 'completed', {
      timeoutMs: 10_000,
    });
    // The same batch over HTTP, output file included.
    const batch = await client.batches.retrieve(submitted.id);
    const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n');
    expect(output.map((l) => (JSON.parse(l) as OutputLine).custom_id)).toEqual(['req-007', 'req-008']);

    const refused = await new SwitchyardBatchClient({ nc: gw.nc, apiKey: 'sk-unknown-0123456789' })
      .submitBatch([line(1)])
      .catch((err: unknown) => err);
    expect(isSwitchyardError(refused) && refused.status).toBe(401);
  });
});
