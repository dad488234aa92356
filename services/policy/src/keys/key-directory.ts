import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { openWithReplicas } from '@switchyard/store';
import type { SwitchyardConfig } from '@switchyard/config';
import type { ServiceDeps } from '@switchyard/runtime';
import { createAuthenticate } from '../domain/authenticate.js';
import { createKeyTable, hashKey, type Identity } from '../domain/key-table.js';
import { KeyRecord, TeamRecord, type Source } from './records.js';

/** The JetStream KV bucket holding keys (`key.<id>`) and teams (`team.<id>`) created through the API. */
export const KEYS_BUCKET = 'switchyard_keys';

const KEY_PREFIX = 'key.';
const TEAM_PREFIX = 'team.';
export const kvKeyOf = (kind: 'key' | 'team', id: string): string =>
  `${kind === 'key' ? KEY_PREFIX : TEAM_PREFIX}${id}`;

export interface Stored<R> {
  record: R;
  source: Source;
  /** The bucket revision it was read at (0 for config entries): updates are made against it. */
  revision: number;
}

/** Who a request acts as, from its `Authorization` header, answered from memory. */
export interface KeyDirectory {
  /** The key's identity, or throws `unauthenticated`. Never does I/O. */
  authenticate(authorization: string | undefined): Identity;
  key(id: string): Stored<KeyRecord> | undefined;
  keys(): Stored<KeyRecord>[];
  team(id: string): Stored<TeamRecord> | undefined;
  teams(): Stored<TeamRecord>[];
  /** The bucket, for the admin API's writes; each write is applied here with `applied`. */
  bucket: KV;
  /**
   * Takes a write made through this replica at once, without waiting for the watch to bring it
   * back, so a key works as soon as its creation is answered. `record` undefined: removed.
   */
  applied(
    kind: 'key' | 'team',
    id: string,
    revision: number,
    record: KeyRecord | TeamRecord | undefined,
  ): void;
  stop(): Promise<void>;
}

const byId = <R extends { id: string }>(a: Stored<R>, b: Stored<R>) => a.record.id.localeCompare(b.record.id);

/**
 * The keys and teams of the config file plus those in the `switchyard_keys` bucket. Every replica
 * loads the bucket, then watches it: a key created, changed or revoked on any replica reaches this
 * one within milliseconds, and authentication never leaves memory. Config entries win over bucket
 * entries of the same id, and the API may not change them.
 */
export async function startKeyDirectory({
  nc,
  config,
  log,
}: Pick<ServiceDeps, 'nc' | 'config' | 'log'>): Promise<KeyDirectory> {
  const table = createKeyTable(config.master_key);
  const keys = new Map<string, Stored<KeyRecord>>();
  const teams = new Map<string, Stored<TeamRecord>>();
  /** Last revision seen per bucket key, deletions included, so a late watch entry never undoes a newer write. */
  const revisions = new Map<string, number>();

  for (const record of config.teams) {
    teams.set(record.id, { record, source: 'config', revision: 0 });
    table.putTeam(record);
  }
  for (const record of configKeys(config)) {
    keys.set(record.id, { record, source: 'config', revision: 0 });
    table.putKey(record);
  }

  const applied: KeyDirectory['applied'] = (kind, id, revision, record) => {
    const kvKey = kvKeyOf(kind, id);
    if (revision <= (revisions.get(kvKey) ?? 0)) return;
    revisions.set(kvKey, revision);
    const entries: Map<string, Stored<KeyRecord | TeamRecord>> = kind === 'key' ? keys : teams;
    if (entries.get(id)?.source === 'config') return;
    if (record === undefined) {
      entries.delete(id);
      if (kind === 'key') table.removeKey(id);
      else table.removeTeam(id);
    } else if (kind === 'key') {
      keys.set(id, { record: record as KeyRecord, source: 'api', revision });
      table.putKey(record as KeyRecord);
    } else {
      teams.set(id, { record: record as TeamRecord, source: 'api', revision });
      table.putTeam(record as TeamRecord);
    }
  };

  const fromWatch = (entry: KvEntry): void => {
    const kind = entry.key.startsWith(KEY_PREFIX)
      ? 'key'
      : entry.key.startsWith(TEAM_PREFIX)
        ? 'team'
        : undefined;
    if (kind === undefined) return;
    const id = entry.key.slice(kind === 'key' ? KEY_PREFIX.length : TEAM_PREFIX.length);
    if (entry.operation !== 'PUT') return applied(kind, id, entry.revision, undefined);
    const parsed = (kind === 'key' ? KeyRecord : TeamRecord).safeParse(safeJson(entry));
    if (!parsed.success || parsed.data.id !== id) {
      log.warn({ bucket: KEYS_BUCKET, entry: entry.key }, 'ignored a malformed entry in the keys bucket');
      return;
    }
    applied(kind, id, entry.revision, parsed.data);
  };

  const { replicas } = config.jetstream;
  const bucket = await openWithReplicas(nc, `KV_${KEYS_BUCKET}`, replicas, () =>
    new Kvm(nc).create(KEYS_BUCKET, { history: 1, replicas }),
  );
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  if ((await bucket.status()).values === 0) loaded();
  const watcher = await bucket.watch();
  const watching = (async () => {
    for await (const entry of watcher) {
      fromWatch(entry);
      // No messages pending: everything the bucket held when the watch began has been applied.
      if (entry.delta === 0) loaded();
    }
  })();
  await ready;

  const authenticate = createAuthenticate(table);
  return {
    authenticate,
    key: (id) => keys.get(id),
    keys: () => [...keys.values()].sort(byId),
    team: (id) => teams.get(id),
    teams: () => [...teams.values()].sort(byId),
    bucket,
    applied,
    async stop() {
      watcher.stop();
      await watching;
    },
  };
}

function safeJson(entry: KvEntry): unknown {
  try {
    return entry.json();
  } catch {
    return undefined;
  }
}

/** Config keys in record form: hashed here, the secret dropped. */
function configKeys(config: Pick<SwitchyardConfig, 'keys'>): KeyRecord[] {
  return config.keys.map(({ key, key_hash, ...rest }) => ({ ...rest, key_hash: key_hash ?? hashKey(key!) }));
}
