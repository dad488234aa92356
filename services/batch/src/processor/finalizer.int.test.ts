import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { connectBus, natsHeaders, type NatsConnection } from '@switchyard/bus';
import { Headers, Ops, Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { createFileStore } from '@switchyard/store';
import { startNats, waitUntil, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelled, newBatchRecord, started, type BatchRecord } from '../domain/batch-record.js';
import { openBatchStore, type BatchStore } from '../store/batch-store.js';
import { openResultStore } from '../store/result-store.js';
import { dropLines, ensureBatchStreams, pendingLines } from '../store/streams.js';
import { createFinalizer, type Finalizer } from './finalizer.js';
import { startLineConsumer } from './line-consumer.js';
import { createPipelineSender } from './pipeline-sender.js';
import { createProcessLine, type LineItem } from './process-line.js';
import { createProgress } from './progress.js';

// Batches as a creator that died while queuing their lines leaves them, swept by real replicas.
const log = createLogger({ name: 'test', level: 'silent' });
const RETENTION_MS = 24 * 3_600_000;
const REQUEST_TIMEOUT_MS = 300;
/** Past the finalizer's bound for a batch left `validating` (120 s), and well short of it. */
const STUCK_AGE_MS = 150_000;
const YOUNG_AGE_MS = 30_000;
const KEY = 'Bearer sk-finalizer-test-0123456789';

interface Replica {
  nc: NatsConnection;
  jsm: JetStreamManager;
  batches: BatchStore;
  finalizer: Finalizer;
}

let nats: ServiceHandle;
const replicas: Replica[] = [];

async function startReplica(): Promise<Replica> {
  const nc = await connectBus({ url: nats.url, name: 'finalizer-test', log });
  const jsm = await ensureBatchStreams(nc, {
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    concurrency: 4,
    retentionMs: RETENTION_MS,
  });
  const batches = await openBatchStore(nc, jsm, RETENTION_MS);
  const results = await openResultStore(nc, RETENTION_MS);
  const files = createFileStore(nc, RETENTION_MS);
  const replica = { nc, jsm, batches, finalizer: createFinalizer({ jsm, batches, results, files, log }) };
  replicas.push(replica);
  return replica;
}

/** Queues lines of a batch as its creator does: one work item per line, the key in a header. */
async function queueLines(nc: NatsConnection, batchId: string, lines: number[]): Promise<void> {
  const h = natsHeaders();
  h.set(Headers.authorization, KEY);
  for (const line of lines) {
    const item: LineItem = {
      batch_id: batchId,
      line,
      custom_id: `req-${line}`,
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `line ${line}` }] },
    };
    await jetstream(nc).publish(Subjects.batch.items(batchId), JSON.stringify(item), {
      headers: h,
      msgID: `${batchId}.${line}`,
    });
  }
}

/** What a creator leaves when it dies after writing the record and queuing `queued` of its lines. */
async function leaveCreatedBatch(replica: Replica, ageMs: number, queued: number): Promise<BatchRecord> {
  const record = newBatchRecord({
    id: `batch_${randomUUID().replaceAll('-', '')}`,
    owner: 'owner-hash',
    endpoint: '/v1/chat/completions',
    inputFileId: 'file-input',
    metadata: null,
    now: Date.now() - ageMs,
  });
  await replica.batches.create(record);
  await queueLines(
    replica.nc,
    record.batch.id,
    Array.from({ length: queued }, (_, i) => i),
  );
  return record;
}

beforeAll(async () => {
  nats = await startNats();
}, 30_000);

afterAll(async () => {
  for (const r of replicas) await r.nc.close();
  await nats?.stop();
});

describe('a batch whose creator died while queuing its lines', () => {
  it.each([
    ['some of its lines queued', 3],
    ['none of its lines queued', 0],
  ])('is failed by a sweep once past the bound (%s), and its lines are removed', async (_, queued) => {
    const replica = await startReplica();
    const { batch } = await leaveCreatedBatch(replica, STUCK_AGE_MS, queued);
    expect(await pendingLines(replica.jsm, batch.id)).toBe(queued);

    await replica.finalizer.sweep();

    const after = (await replica.batches.get(batch.id))!.batch;
    expect(after.status).toBe('failed');
    expect(after.failed_at).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
    expect(after.errors?.data).toEqual([
      expect.objectContaining({ code: 'creation_interrupted', line: null, param: null }),
    ]);
    expect(after.errors!.data[0]!.message).toMatch(/create the batch again/i);
    expect(await pendingLines(replica.jsm, batch.id)).toBe(0);
  });

  it('is left alone while younger than the bound: its creator may still be queuing', async () => {
    const replica = await startReplica();
    const { batch } = await leaveCreatedBatch(replica, YOUNG_AGE_MS, 2);

    await replica.finalizer.sweep();

    expect((await replica.batches.get(batch.id))!.batch.status).toBe('validating');
    expect(await pendingLines(replica.jsm, batch.id)).toBe(2);
    await dropLines(replica.jsm, batch.id);
  });

  it('is failed once when several replicas sweep at once', async () => {
    const all = await Promise.all([startReplica(), startReplica(), startReplica()]);
    const { batch } = await leaveCreatedBatch(all[0]!, STUCK_AGE_MS, 5);

    await Promise.all(all.map((r) => r.finalizer.sweep()));

    const after = (await all[1]!.batches.get(batch.id))!.batch;
    expect(after.status).toBe('failed');
    expect(after.errors?.data.map((e) => e.code)).toEqual(['creation_interrupted']);
    expect(await pendingLines(all[2]!.jsm, batch.id)).toBe(0);
  });

  it('stays failed when its creator was only slow, and sends none of the lines it queues late', async () => {
    const replica = await startReplica();
    const { batch: stuck } = await leaveCreatedBatch(replica, STUCK_AGE_MS, 2);
    await replica.finalizer.sweep();
    expect((await replica.batches.get(stuck.id))!.batch.status).toBe('failed');

    // The creator wakes up: queues the rest of its lines and marks the batch started.
    await queueLines(replica.nc, stuck.id, [2, 3]);
    const afterStart = await replica.batches.update(stuck.id, (r) => started(r, 4, Date.now()));
    expect(afterStart!.batch.status).toBe('failed');

    // A running batch alongside, so that a processor that sends nothing proves nothing.
    const { batch: running } = await leaveCreatedBatch(replica, 0, 0);
    await replica.batches.update(running.id, (r) => started(r, 1, Date.now()));
    await queueLines(replica.nc, running.id, [0]);

    const sent: string[] = [];
    const entry = replica.nc.subscribe(Subjects.entry(Ops.chatCompletions), {
      callback: (_, msg) => {
        sent.push((msg.json() as { messages: { content: string }[] }).messages[0]!.content);
      },
    });
    const sender = createPipelineSender(replica.nc, replica.jsm, REQUEST_TIMEOUT_MS);
    const progress = createProgress({ batches: replica.batches, log, intervalMs: 50, onCounted: () => {} });
    const consumer = await startLineConsumer({
      nc: replica.nc,
      log,
      concurrency: 4,
      handle: createProcessLine({
        batches: replica.batches,
        results: await openResultStore(replica.nc, RETENTION_MS),
        sender,
        maxAttempts: 1,
        retryDelayMs: 0,
        progress,
      }),
    });
    try {
      await waitUntil(
        async () =>
          (await pendingLines(replica.jsm, stuck.id)) === 0 &&
          (await pendingLines(replica.jsm, running.id)) === 0,
        { timeoutMs: 10_000, intervalMs: 50 },
      );
    } finally {
      await consumer.stop();
      await progress.stop();
      sender.stop();
      entry.unsubscribe();
    }
    expect(sent).toEqual(['line 0']);
    expect((await replica.batches.get(stuck.id))!.batch.status).toBe('failed');
  });
});

describe("the sweep's listing", () => {
  it('skips batches in a final status, still reading those that are not', async () => {
    const replica = await startReplica();
    const { batch: done } = await leaveCreatedBatch(replica, STUCK_AGE_MS, 0);
    const { batch: running } = await leaveCreatedBatch(replica, 0, 1); // its line keeps it running
    await replica.batches.update(running.id, (r) => started(r, 1, Date.now()));
    await replica.finalizer.sweep(); // `done` fails: creation interrupted
    const ids = async () => (await replica.batches.listUnfinished()).map((r) => r.batch.id);

    expect(await ids()).toContain(running.id);
    expect(await ids()).not.toContain(done.id);
    // A record that moves on is read again; the API's listing still shows finished batches.
    await replica.batches.update(running.id, (r) => cancelled(r, Date.now()));
    expect(
      (await replica.batches.listUnfinished()).find((r) => r.batch.id === running.id)?.batch.status,
    ).toBe('cancelling');
    expect((await replica.batches.list()).map((r) => r.batch.id)).toEqual(
      expect.arrayContaining([done.id, running.id]),
    );
    await dropLines(replica.jsm, running.id);
  });
});
