import { createStoreAlarm, serveAdmin, startStage, type Msg } from '@switchyard/bus';
import { CachePurgeRequest, QueueGroups, StageNames, Subjects } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { connectRedis } from '@switchyard/store';
import { createWaiters } from './coalesce/waiters.js';
import { createLookup } from './handlers/lookup.js';
import { createPurge } from './handlers/purge.js';
import { createStoreAnswer, createWakeWaiters } from './handlers/store-answer.js';
import { createEmbedPrompt } from './semantic/embed-prompt.js';
import { createMemoryStore } from './store/memory-store.js';
import { createRedisStore } from './store/redis-store.js';
import type { ResponseStore } from './store/response-store.js';

/** How long a starting cache waits for Redis before serving anyway (bypassing until it comes). */
const REDIS_START_WAIT_MS = 5_000;

/**
 * The cache stage, between policy and the router: answers from Redis (or memory without
 * `redis.url`), stores answers sent to `Subjects.cacheStore`, and purges on the admin call.
 */
export async function startCache({ nc, presence, log, config }: ServiceDeps): Promise<RunningService> {
  let store: ResponseStore;
  if (config.redis.url === undefined) store = createMemoryStore(config.cache.max_entries);
  else {
    const redis = connectRedis({ url: config.redis.url, log, name: 'switchyard-cache' });
    await redis.whenReady(REDIS_START_WAIT_MS);
    store = createRedisStore(redis);
  }
  const alarm = createStoreAlarm(nc, log, { service: 'cache', store: config.redis.url ? 'redis' : 'memory' });
  const waiters = createWaiters();
  const semanticWanted =
    config.cache.semantic.enabled || Object.values(config.models).some((m) => m.cache?.semantic?.enabled);
  if (semanticWanted && config.master_key === undefined)
    log.warn('the semantic cache needs master_key (it embeds prompts through the gateway): it stays off');

  const storeAnswer = createStoreAnswer({ store, alarm, log });
  const wakeWaiters = createWakeWaiters(waiters);
  const onStoreMessage = (handle: (msg: Msg) => unknown) => (err: Error | null, msg: Msg) => {
    if (err) log.error({ err }, 'cache store subscription error');
    else void handle(msg);
  };
  const subs = [
    nc.subscribe(Subjects.cacheStore, { queue: QueueGroups.cache, callback: onStoreMessage(storeAnswer) }),
    nc.subscribe(Subjects.cacheStore, { callback: onStoreMessage(wakeWaiters) }),
    serveAdmin(nc, log, {
      subject: Subjects.admin.cachePurge,
      queue: QueueGroups.cache,
      schema: CachePurgeRequest,
      handle: createPurge(store),
    }),
  ];
  const stage = await startStage({
    nc,
    presence,
    log,
    name: StageNames.cache,
    queue: QueueGroups.cache,
    subjects: [Subjects.cache],
    // The cache key is a hash of the body.
    readsBody: true,
    handle: createLookup({
      nc,
      config,
      store,
      alarm,
      waiters,
      embed: config.master_key === undefined ? undefined : createEmbedPrompt(nc, config.master_key),
      log,
    }),
  });
  return {
    async stop() {
      await stage.stop();
      await Promise.all(subs.map((s) => s.drain().catch(() => undefined)));
      await store.close();
    },
  };
}
