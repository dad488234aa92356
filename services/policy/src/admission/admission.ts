import { bodyOf, createStoreAlarm, type StageRequest, type StoreAlarm } from '@switchyard/bus';
import type { Op } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import { connectRedis } from '@switchyard/store';
import type { Identity } from '../domain/key-table.js';
import { createAdmit } from './admit.js';
import type { CountTokens } from './estimate-tokens.js';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';
import { createRedisLimitStore } from './redis-limit-store.js';

/** Rate limits, concurrency and budgets: whether an authenticated request may go on now. */
export interface Admission {
  /**
   * Admits the request, or throws a `GatewayError` (429 over a limit or a budget, 503 when the
   * counters cannot be reached and `policy.fail_mode` is `closed`). Stamps what it reserved on the
   * request (reconciled when it completes) and `sy-answer-x-ratelimit-*` headers for the caller.
   */
  admit(who: Identity, req: StageRequest, op: Op): void | Promise<void>;
  /** The counters, also settled by completion events and read by spend queries. */
  readonly store: LimitStore;
  /** Tells operators the counters' store is unreachable, once per outage. */
  readonly alarm: StoreAlarm;
  stop(): Promise<void>;
}

/** How long a start waits for Redis before serving anyway (and failing open or closed until it answers). */
const REDIS_START_WAIT_MS = 5000;

/** Loaded on first use: the tokenizer's tables take a fifth of a second and tens of MB. */
let tokenizer: Promise<CountTokens> | undefined;
const loadTokenizer = (): Promise<CountTokens> =>
  (tokenizer ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (m) => (text: string) => m.countTokens(text),
  ));

/** Counters in Redis when `redis.url` is set (shared by replicas), else in this process's memory. */
export async function startAdmission({ nc, log, config }: ServiceDeps): Promise<Admission> {
  let store: LimitStore;
  if (config.redis.url === undefined) {
    store = createMemoryLimitStore();
  } else {
    const redis = connectRedis({ url: config.redis.url, log, name: 'switchyard-policy' });
    await redis.whenReady(REDIS_START_WAIT_MS);
    store = createRedisLimitStore(redis);
  }
  const alarm = createStoreAlarm(nc, log, { service: 'policy', store: 'redis' });
  const admit = createAdmit({
    store,
    alarm,
    failMode: config.policy.fail_mode,
    tokenizer: loadTokenizer,
    bodyOf: (req) => bodyOf(nc, req.headers, req.data),
  });
  return { admit, store, alarm, stop: () => store.close() };
}
