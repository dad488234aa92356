import { jetstream } from '@nats-io/jetstream';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { serveBatchApi } from './handlers/batch-api.js';
import { createFinalizer } from './processor/finalizer.js';
import { startLineConsumer } from './processor/line-consumer.js';
import { createPipelineSender } from './processor/pipeline-sender.js';
import { createProcessLine } from './processor/process-line.js';
import { createProgress } from './processor/progress.js';
import { openBatchStore } from './store/batch-store.js';
import { createFileStore } from '@switchyard/store';
import { openResultStore } from './store/result-store.js';
import { ensureBatchStreams } from './store/streams.js';

const DAY_MS = 24 * 3_600_000;
/** How often counted results are written to their batch records. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The batch processor: serves the batch API (`llm.v1.batch.*`), sends each batch line through
 * the pipeline's public entry at `batch.concurrency` per replica, stores each result, and writes
 * a batch's output and error files when its last line is done. All its state is in JetStream, so
 * replicas share the work and a replica that dies loses nothing. See docs/batch.md.
 */
export async function startBatch({ nc, log, config }: ServiceDeps): Promise<RunningService> {
  const settings = config.batch;
  const retentionMs = settings.retention_days * DAY_MS;
  const { replicas } = config.jetstream;
  const jsm = await ensureBatchStreams(nc, {
    requestTimeoutMs: settings.request_timeout_ms,
    concurrency: settings.concurrency,
    retentionMs,
    replicas,
  });
  const [batches, results] = await Promise.all([
    openBatchStore(nc, jsm, retentionMs, replicas),
    openResultStore(nc, retentionMs, replicas),
  ]);
  const files = createFileStore(nc, retentionMs, replicas);
  const finalizer = createFinalizer({ jsm, batches, results, files, log });
  const check = (batchId: string) =>
    void finalizer.check(batchId).catch((err: unknown) => log.error({ err, batchId }, 'batch check failed'));

  const apiSubs = serveBatchApi(
    {
      nc,
      js: jetstream(nc),
      batches,
      files,
      config: settings,
      masterKey: config.master_key,
      onCancelled: check,
    },
    log,
  );
  const sender = createPipelineSender(nc, jsm, settings.request_timeout_ms);
  // A batch whose counts reach its total is checked at once; the sweep finds any other that is done.
  const progress = createProgress({ batches, log, intervalMs: PROGRESS_INTERVAL_MS, onCounted: check });
  const consumer = await startLineConsumer({
    nc,
    log,
    concurrency: settings.concurrency,
    handle: createProcessLine({
      batches,
      results,
      sender,
      maxAttempts: settings.max_attempts,
      retryDelayMs: settings.retry_delay_ms,
      progress,
    }),
  });

  // One sweep at a time: a slow one (many batches) is not piled on by the next tick.
  let sweeping: Promise<void> | undefined;
  const sweepTimer = setInterval(() => {
    sweeping ??= finalizer
      .sweep()
      .catch((err: unknown) => log.error({ err }, 'batch sweep failed'))
      .finally(() => (sweeping = undefined));
  }, settings.sweep_interval_ms);
  await nc.flush();

  return {
    async stop() {
      clearInterval(sweepTimer);
      for (const sub of apiSubs) await sub.drain().catch(() => undefined);
      await consumer.stop();
      await progress.stop();
      sender.stop();
      await sweeping;
    },
  };
}
