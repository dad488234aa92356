import {
  abandonCacheKey,
  getHeader,
  type NatsConnection,
  type StageHandler,
  type StageOutcome,
  type StageRequest,
  type StoreAlarm,
} from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  CACHE_STATUS_HEADER,
  CallerHeaders,
  Headers,
  StageNames,
  Subjects,
  answerHeader,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { Waiters } from '../coalesce/waiters.js';
import { entryKey, requestHash } from '../domain/cache-key.js';
import { decideCaching, type CacheUse } from '../domain/cache-decision.js';
import { wantsUsage } from '../domain/replay.js';
import type { EmbedPrompt } from '../semantic/embed-prompt.js';
import { nearest, promptText } from '../semantic/similarity.js';
import { indexOfKey, type ResponseStore } from '../store/response-store.js';
import { answerHit, type StoredEntry } from './answer-hit.js';

export interface LookupDeps {
  /** For telling the other cache replicas that a key this request locked will get no answer. */
  nc: NatsConnection;
  config: Pick<SwitchyardConfig, 'cache' | 'models'>;
  store: ResponseStore;
  alarm: StoreAlarm;
  waiters: Waiters;
  /** Undefined when no master key is configured: the semantic cache is then off. */
  embed: EmbedPrompt | undefined;
  log: Logger;
}

const NEXT = { forward: Subjects.route, stage: StageNames.router } as const;
const decoder = new TextDecoder();
/** Response header with the entry's key, for `POST /admin/cache/purge {"key": …}`. */
const KEY_HEADER = 'x-switchyard-cache-key';

type Status = 'HIT' | 'MISS' | 'BYPASS';
const setStatus = (req: StageRequest, status: Status): void =>
  req.headers.set(answerHeader(CACHE_STATUS_HEADER), status);

/**
 * The cache stage: a hit answers the requester at once (whole or replayed as a stream); a miss is
 * stamped with its key and forwarded, and whoever answers sends the answer back to be stored.
 * Identical requests in flight wait for the first one's answer. Redis unreachable: bypassed.
 */
export function createLookup(deps: LookupDeps): StageHandler {
  const { nc, config, store, alarm, waiters, embed, log } = deps;
  const coalesce = config.cache.coalesce;

  const bypass = (req: StageRequest): StageOutcome => {
    setStatus(req, 'BYPASS');
    return NEXT;
  };
  const storeUnavailable = (req: StageRequest, err?: unknown): StageOutcome => {
    alarm.report('bypass', err);
    return bypass(req);
  };

  /** Whole or streamed, as the caller asked; the status header goes out with the first frame. */
  const hit = (req: StageRequest, key: string, entry: string, body: Record<string, unknown>): undefined => {
    req.headers.set(answerHeader(KEY_HEADER), key);
    setStatus(req, 'HIT');
    const stream = getHeader(req.headers, Headers.stream) === 'true';
    answerHit(req.reply, JSON.parse(entry) as StoredEntry, { stream, includeUsage: wantsUsage(body) });
    return undefined;
  };

  /** The nearest stored prompt above the threshold, from the vectors of this namespace and model. */
  const semanticMatch = async (
    req: StageRequest,
    use: CacheUse,
    key: string,
    body: Record<string, unknown>,
  ): Promise<{ key: string; entry: string } | undefined> => {
    const semantic = use.semantic!;
    const vector = await embed!({
      text: promptText(body, semantic.input),
      model: semantic.embedding_model!,
      requestId: getHeader(req.headers, Headers.requestId) ?? 'unknown',
      deadline: Number(getHeader(req.headers, Headers.deadline)) || Date.now() + coalesce.wait_ms,
    });
    if (vector === undefined) return undefined;
    const index = indexOfKey(key);
    const match = nearest(vector, await store.vectors(index), semantic.threshold);
    // Remembered now, stored-or-not: a vector whose answer never came is dropped when it matches.
    store.addVector(index, key, vector, semantic.max_entries, use.ttlMs).catch((err: unknown) => {
      log.debug({ err }, 'could not index a prompt vector');
    });
    if (match === undefined || match.key === key) return undefined;
    const entry = await store.get(match.key);
    if (entry !== undefined) return { key: match.key, entry };
    await store.removeVector(index, match.key);
    return undefined;
  };

  return async (req) => {
    const h = req.headers;
    const model = getHeader(h, Headers.model);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(decoder.decode(req.data)) as Record<string, unknown>;
    } catch {
      return bypass(req); // the router answers what is wrong with it
    }
    if (model === undefined || typeof body !== 'object' || body === null) return bypass(req);
    const use = decideCaching(config, {
      model,
      team: getHeader(h, Headers.team),
      keyId: getHeader(h, Headers.keyId),
      cacheControl: getHeader(h, CallerHeaders.cacheControl),
      ttlSeconds: getHeader(h, CallerHeaders.cacheTtl),
      body,
    });
    if (!use.use) return bypass(req);
    if (!store.available) return storeUnavailable(req);
    const key = entryKey(use.namespace, model, requestHash(model, body));
    /** This request holds the key's in-flight lock: identical requests wait for its answer. */
    let leader = false;

    if (use.lookup) {
      try {
        const deadline = Number(getHeader(h, Headers.deadline)) || Infinity;
        const waitMs = Math.min(coalesce.wait_ms, deadline - Date.now());
        const found = await store.lookup(key, coalesce.enabled ? waitMs : 0);
        alarm.recovered();
        leader = found.leader;
        if (found.entry !== undefined) return hit(req, key, found.entry, body);
        if (coalesce.enabled && !found.leader) {
          const entry = await waiters.wait(key, waitMs, () => store.get(key));
          if (entry !== undefined) return hit(req, key, entry, body);
        }
        if (use.semantic && embed) {
          const match = await semanticMatch(req, use, key, body);
          if (match !== undefined) {
            // Nothing will be stored under this key: requests waiting on it go on now.
            if (leader) abandonCacheKey(nc, key, use.ttlMs);
            return hit(req, match.key, match.entry, body);
          }
        }
      } catch (err) {
        // Bypassed, the request carries no key: nobody would store an answer or free the lock.
        if (leader) abandonCacheKey(nc, key, use.ttlMs);
        return storeUnavailable(req, err);
      }
    }
    // From here the answer's capture frees the lock if no answer is stored, even when this stage
    // answers the error itself (no router running).
    h.set(Headers.cacheKey, key);
    h.set(Headers.cacheTtlMs, String(use.ttlMs));
    h.set(Headers.cacheMaxBytes, String(config.cache.max_entry_bytes));
    h.set(answerHeader(KEY_HEADER), key);
    setStatus(req, use.lookup ? 'MISS' : 'BYPASS');
    return NEXT;
  };
}
