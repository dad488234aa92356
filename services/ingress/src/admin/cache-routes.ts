import { Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';

/**
 * `POST /admin/cache/purge {key?, alias?, namespace?}`: removes response-cache entries matching
 * every field given; answered by the cache service with `{purged: <count>}`.
 */
export const cacheRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    url: '/admin/cache/purge',
    subject: Subjects.admin.cachePurge,
    service: 'cache',
    input: (request) => request.body ?? {},
    timeoutMs: 30_000,
  },
];
