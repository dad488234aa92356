import { Kvm, type KvEntry } from '@nats-io/kv';
import { openWithReplicas } from '@switchyard/store';
import { STORED_MODEL_KEYS, aliasOfStoredModelKey, parseStoredModel } from '@switchyard/config';
import { ROUTES_BUCKET } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';

export interface StoredAliases {
  stop(): Promise<void>;
}

/**
 * Follows the model aliases added at run time, which the router keeps in the routes bucket: hands
 * `onAlias` those stored so far before it resolves, then each one as it is stored. Deletions are
 * not followed (labels only grow; see `ExtensibleModelLabel`). A malformed entry is skipped: the
 * router, which ignores it too, says so in its log.
 */
export async function startStoredAliases(
  deps: Pick<ServiceDeps, 'nc' | 'log'> & { onAlias(alias: string): void; replicas: number },
): Promise<StoredAliases> {
  const { log, onAlias, replicas } = deps;
  // The router creates the bucket with the same settings; whichever starts first makes it.
  const kv = await openWithReplicas(deps.nc, `KV_${ROUTES_BUCKET}`, replicas, () =>
    new Kvm(deps.nc).create(ROUTES_BUCKET, { history: 1, replicas }),
  );

  const take = (entry: KvEntry): void => {
    if (entry.operation !== 'PUT') return;
    const alias = aliasOfStoredModelKey(entry.key);
    if (alias !== undefined && parseStoredModel(alias, entry.string()) !== undefined) onAlias(alias);
  };

  const keys: string[] = [];
  for await (const key of await kv.keys(STORED_MODEL_KEYS)) keys.push(key);
  for (const entry of await Promise.all(keys.map((key) => kv.get(key)))) if (entry !== null) take(entry);
  // Replays the values loaded above (adding an alias again changes nothing), then every change.
  const watcher = await kv.watch({ key: STORED_MODEL_KEYS });
  const following = (async () => {
    for await (const entry of watcher) take(entry);
  })().catch((err: unknown) => {
    log.error({ err }, 'stopped following run-time model aliases: new ones are labelled other');
  });

  return {
    async stop() {
      watcher.stop();
      await following;
    },
  };
}
