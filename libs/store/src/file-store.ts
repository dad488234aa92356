import { StorageType } from '@nats-io/jetstream';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { FILES_BUCKET, type FilePurpose, type OpenAIFile } from '@switchyard/contracts';
import { openWithReplicas } from './jetstream-assets.js';

export interface StoredFile {
  file: OpenAIFile;
  owner: string;
}

/**
 * The files of `/v1/files` (batch input, output and error files) in a JetStream object store,
 * which chunks them, so a file may be far larger than a NATS message. The ingress writes uploads
 * and the batch service its output files; the OpenAI fields live in the object's metadata
 * (`filename`, `purpose`, `owner`, `created_at`).
 */
export interface FileStore {
  put(init: {
    id: string;
    filename: string;
    purpose: FilePurpose;
    owner: string;
    data: Uint8Array;
  }): Promise<OpenAIFile>;
  info(id: string): Promise<StoredFile | undefined>;
  read(id: string): Promise<Uint8Array | undefined>;
  list(): Promise<StoredFile[]>;
  delete(id: string): Promise<void>;
}

/** The OpenAI file object of a stored object; undefined for one that is not a file of ours. */
function toStoredFile(info: ObjectInfo, retentionMs: number): StoredFile | undefined {
  const m = info.metadata;
  if (info.deleted || m?.['owner'] === undefined) return undefined;
  const createdAt = Number(m['created_at']);
  return {
    owner: m['owner'],
    file: {
      id: info.name,
      object: 'file',
      bytes: info.size,
      created_at: createdAt,
      expires_at: createdAt + Math.floor(retentionMs / 1000),
      filename: m['filename'] ?? info.name,
      purpose: (m['purpose'] ?? 'batch') as FilePurpose,
      status: 'processed',
    },
  };
}

/**
 * Opens the bucket on first use (a service starts, and serves what needs no files, even before
 * JetStream answers); a failed open is tried again on the next call. The bucket keeps `replicas`
 * copies (`jetstream.replicas`).
 */
export function createFileStore(nc: NatsConnection, retentionMs: number, replicas = 1): FileStore {
  let opened: Promise<ObjectStore> | undefined;
  const store = (): Promise<ObjectStore> =>
    (opened ??= openWithReplicas(nc, `OBJ_${FILES_BUCKET}`, replicas, () =>
      new Objm(nc).create(FILES_BUCKET, {
        storage: StorageType.File,
        ttl: retentionMs * 1_000_000,
        replicas,
      }),
    ).catch((err: unknown) => {
      opened = undefined;
      throw err;
    }));
  return {
    async put({ id, filename, purpose, owner, data }) {
      const createdAt = String(Math.floor(Date.now() / 1000));
      const metadata = { filename, purpose, owner, created_at: createdAt };
      const info = await (await store()).putBlob({ name: id, metadata }, data);
      return toStoredFile(info, retentionMs)!.file;
    },
    async info(id) {
      const info = await (await store()).info(id);
      return info === null ? undefined : toStoredFile(info, retentionMs);
    },
    async read(id) {
      return (await (await store()).getBlob(id)) ?? undefined;
    },
    async list() {
      return (await (await store()).list()).flatMap((info) => toStoredFile(info, retentionMs) ?? []);
    },
    async delete(id) {
      await (await store()).delete(id);
    },
  };
}
