import { openWithReplicas } from '@switchyard/store';
import {
  STORED_RULES_KEY,
  aliasOfStoredModelKey,
  parseStoredModel,
  parseStoredRules,
  storedModelKey,
  storedModelValue,
  storedRulesValue,
} from '@switchyard/config';
import { ROUTES_BUCKET } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { RouteChange, RouteSet } from './domain/route-set.js';

/** Routes changed at run time, kept in JetStream KV and watched by every router replica. */
export interface RouteStore {
  /** Stores a change; resolves once this replica's routes have taken it in. */
  save(change: RouteChange): Promise<void>;
  stop(): Promise<void>;
}

const keyOf = (change: RouteChange): string =>
  change.kind === 'rules' ? STORED_RULES_KEY : storedModelKey(change.alias);

/**
 * Loads the changes stored so far into `routes` before the router takes requests, then follows
 * the bucket: every replica applies the same entries in the same order, so all route alike.
 * A stored change that no longer checks out (two changes raced) is logged and left out.
 */
export async function startRouteStore(
  deps: Pick<ServiceDeps, 'nc' | 'log'> & { routes: RouteSet; replicas: number },
): Promise<RouteStore> {
  const { log, routes, replicas } = deps;
  const kv = await openWithReplicas(deps.nc, `KV_${ROUTES_BUCKET}`, replicas, () =>
    new Kvm(deps.nc).create(ROUTES_BUCKET, { history: 1, replicas }),
  );
  let applied = 0;
  const waiting = new Set<{ revision: number; resolve(): void }>();

  const apply = (entry: KvEntry): void => {
    const change = toChange(entry);
    if (change === undefined) log.warn({ key: entry.key }, 'ignored a malformed stored route');
    else {
      const issues = routes.apply(change);
      if (issues.length > 0) log.warn({ key: entry.key, issues }, 'a stored route change does not check out');
    }
    applied = Math.max(applied, entry.revision);
    for (const w of waiting) {
      if (w.revision > applied) continue;
      waiting.delete(w);
      w.resolve();
    }
  };

  for (const entry of await loadAll(kv)) apply(entry);
  // Replays the values loaded above (applying one again changes nothing), then every change.
  const watcher = await kv.watch();
  const following = (async () => {
    for await (const entry of watcher) apply(entry);
  })().catch((err: unknown) => {
    // Routes stay as they are; a change made elsewhere from now on reaches this replica at restart.
    log.error({ err }, 'stopped following routes changed at run time');
  });

  const appliedBy = (revision: number): Promise<void> =>
    revision <= applied ? Promise.resolve() : new Promise((resolve) => waiting.add({ revision, resolve }));

  return {
    async save(change) {
      const key = keyOf(change);
      if (change.kind === 'model' && change.model !== undefined)
        return appliedBy(await kv.put(key, storedModelValue(change.alias, change.model)));
      if (change.kind === 'rules' && change.rules !== undefined)
        return appliedBy(await kv.put(key, storedRulesValue(change.rules)));
      await kv.delete(key);
      return appliedBy((await kv.get(key))?.revision ?? 0);
    },
    async stop() {
      watcher.stop();
      await following;
      for (const w of waiting) w.resolve();
    },
  };
}

async function loadAll(kv: KV): Promise<KvEntry[]> {
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  const entries = await Promise.all(keys.map((key) => kv.get(key)));
  return entries.filter((e): e is KvEntry => e !== null).sort((a, b) => a.revision - b.revision);
}

function toChange(entry: KvEntry): RouteChange | undefined {
  const deleted = entry.operation !== 'PUT';
  if (entry.key === STORED_RULES_KEY) {
    if (deleted) return { kind: 'rules', rules: undefined };
    const rules = parseStoredRules(entry.string());
    return rules === undefined ? undefined : { kind: 'rules', rules };
  }
  const alias = aliasOfStoredModelKey(entry.key);
  if (alias === undefined) return undefined;
  if (deleted) return { kind: 'model', alias, model: undefined };
  const model = parseStoredModel(alias, entry.string());
  return model === undefined ? undefined : { kind: 'model', alias, model };
}
