import { Kvm, type KvEntry } from '@nats-io/kv';
import { openWithReplicas } from '@switchyard/store';
import { ModelConfig } from '@switchyard/config';
import { ROUTES_BUCKET } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import { z } from 'zod';

/**
 * A model alias as the router stores it (`PUT /admin/routes/<alias>`): under `model.<base64url
 * alias>`, since KV keys cannot hold `*`, with the alias repeated in the value.
 */
const StoredModel = z.object({ alias: z.string().min(1), model: ModelConfig });
const MODEL_PREFIX = 'model.';
const MODEL_KEYS = `${MODEL_PREFIX}>`;

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
    const alias = Buffer.from(entry.key.slice(MODEL_PREFIX.length), 'base64url').toString();
    const parsed = StoredModel.safeParse(safeJson(entry));
    if (parsed.success && parsed.data.alias === alias) onAlias(alias);
  };

  const keys: string[] = [];
  for await (const key of await kv.keys(MODEL_KEYS)) keys.push(key);
  for (const entry of await Promise.all(keys.map((key) => kv.get(key)))) if (entry !== null) take(entry);
  // Replays the values loaded above (adding an alias again changes nothing), then every change.
  const watcher = await kv.watch({ key: MODEL_KEYS });
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

function safeJson(entry: KvEntry): unknown {
  try {
    return entry.json();
  } catch {
    return undefined;
  }
}
