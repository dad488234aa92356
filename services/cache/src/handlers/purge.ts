import type { AdminAnswer } from '@switchyard/bus';
import { GatewayError, type CachePurgeRequest } from '@switchyard/contracts';
import type { ResponseStore } from '../store/response-store.js';

/** `POST /admin/cache/purge`: removes the entries matching every field given; answers how many went. */
export function createPurge(store: ResponseStore) {
  return async (input: CachePurgeRequest): Promise<AdminAnswer> => {
    if (!store.available) throw new GatewayError('unavailable', 'The cache store is unreachable; try again.');
    const purged = await store.purge({ key: input.key, namespace: input.namespace, model: input.alias });
    return { body: { purged } };
  };
}
