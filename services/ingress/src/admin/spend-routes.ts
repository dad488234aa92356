import { Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';

/**
 * `GET /admin/spend?key_id=…` or `?team=…`: the current budget period's spend, the budget and what
 * remains, answered by the policy service, which holds the counters.
 */
export const spendRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    url: '/admin/spend',
    subject: Subjects.admin.spendQuery,
    service: 'policy',
    input(request) {
      const q = request.query as Record<string, string | undefined>;
      return { key_id: q['key_id'] || undefined, team: q['team'] || undefined };
    },
  },
];
