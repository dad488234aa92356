import type { JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@switchyard/bus';
import { openWithReplicas } from '@switchyard/store';
import { BATCHES_BUCKET } from '@switchyard/contracts';
import { FINAL_STATUSES, type BatchRecord } from '../domain/batch-record.js';

/** Conflicting writers (replicas counting lines of one batch) retry this often before giving up. */
const MAX_CAS_TRIES = 50;

export interface BatchStore {
  get(id: string): Promise<BatchRecord | undefined>;
  create(record: BatchRecord): Promise<void>;
  /**
   * Applies `change` to the stored record atomically (compare-and-set on its revision, retried on
   * conflict); `change` returning the record unchanged writes nothing. Resolves with the result.
   */
  update(id: string, change: (record: BatchRecord) => BatchRecord): Promise<BatchRecord | undefined>;
  list(): Promise<BatchRecord[]>;
  /** The records not in a final status: each record seen final is not read again by this store. */
  listUnfinished(): Promise<BatchRecord[]>;
}

/** Batch records in a JetStream KV bucket of `replicas` copies, kept `retentionMs` after their last change. */
const STREAM = `KV_${BATCHES_BUCKET}`;
const SUBJECT_PREFIX = `$KV.${BATCHES_BUCKET}.`;

export async function openBatchStore(
  nc: NatsConnection,
  jsm: JetStreamManager,
  retentionMs: number,
  replicas = 1,
): Promise<BatchStore> {
  const kv: KV = await openWithReplicas(nc, STREAM, replicas, () =>
    new Kvm(nc).create(BATCHES_BUCKET, { history: 1, ttl: retentionMs, replicas }),
  );
  const read = async (id: string) => {
    const entry = await kv.get(id);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { record: entry.json<BatchRecord>(), revision: entry.revision };
  };
  const ids = async (): Promise<string[]> => {
    // The bucket's subjects in one call: `kv.keys()` waits for a quiet moment, which a bucket
    // written to a few times a second (progress) may not have for a long while.
    const info = await jsm.streams.info(STREAM, { subjects_filter: `${SUBJECT_PREFIX}>` });
    return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(SUBJECT_PREFIX.length));
  };
  const readAll = async (wanted: string[]): Promise<BatchRecord[]> => {
    const records = await Promise.all(wanted.map(async (id) => (await read(id))?.record));
    return records.filter((r): r is BatchRecord => r !== undefined);
  };
  // A final status never changes, so a record seen final need not be read again. Only ids still in
  // the bucket are kept: the set is bounded by the records retained.
  const seenFinal = new Set<string>();
  return {
    get: async (id) => (await read(id))?.record,
    async create(record) {
      await kv.create(record.batch.id, JSON.stringify(record));
    },
    async update(id, change) {
      for (let i = 0; i < MAX_CAS_TRIES; i++) {
        const current = await read(id);
        if (current === undefined) return undefined;
        const next = change(current.record);
        if (next === current.record) return next;
        try {
          await kv.update(id, JSON.stringify(next), current.revision);
          return next;
        } catch (err) {
          if (!/wrong last sequence/i.test((err as Error).message)) throw err;
        }
      }
      throw new Error(`batch ${id}: too many conflicting updates`);
    },
    list: async () => readAll(await ids()),
    async listUnfinished() {
      const current = new Set(await ids());
      for (const id of seenFinal) if (!current.has(id)) seenFinal.delete(id);
      const records = await readAll([...current].filter((id) => !seenFinal.has(id)));
      const unfinished: BatchRecord[] = [];
      for (const r of records) {
        if (FINAL_STATUSES.has(r.batch.status)) seenFinal.add(r.batch.id);
        else unfinished.push(r);
      }
      return unfinished;
    },
  };
}
