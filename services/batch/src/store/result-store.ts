import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@switchyard/bus';
import { openWithReplicas } from '@switchyard/store';
import { BATCH_RESULTS_BUCKET } from '@switchyard/contracts';
import type { LineResult } from '../domain/line-result.js';

export interface ResultStore {
  /** Stores a line's result unless one is there already; resolves whether this call stored it. */
  put(batchId: string, result: LineResult): Promise<boolean>;
  get(batchId: string, line: number): Promise<LineResult | undefined>;
}

const keyOf = (batchId: string, line: number) => `${batchId}.${line}`;

/** Line results in a JetStream KV bucket of `replicas` copies, one key per line, written once. */
export async function openResultStore(
  nc: NatsConnection,
  retentionMs: number,
  replicas = 1,
): Promise<ResultStore> {
  const kv: KV = await openWithReplicas(nc, `KV_${BATCH_RESULTS_BUCKET}`, replicas, () =>
    new Kvm(nc).create(BATCH_RESULTS_BUCKET, { history: 1, ttl: retentionMs, replicas }),
  );
  return {
    async put(batchId, result) {
      try {
        await kv.create(keyOf(batchId, result.line), JSON.stringify(result));
        return true;
      } catch (err) {
        // `create` fails on an existing key: another delivery of the line stored it first.
        if (/wrong last sequence|key exists/i.test((err as Error).message)) return false;
        throw err;
      }
    },
    async get(batchId, line) {
      const entry = await kv.get(keyOf(batchId, line));
      return entry === null || entry.operation !== 'PUT' ? undefined : entry.json<LineResult>();
    },
  };
}
