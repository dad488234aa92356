import { Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';
import { orUndefined, toEpochMs } from './request-log-routes.js';

/**
 * `GET /admin/usage?group_by=key|team|model&since=&until=&key_id=&team=&model=`: usage and cost per
 * UTC day and group, from the telemetry service's roll-ups. `since`/`until` are epoch ms or ISO
 * dates; the telemetry service validates the rest.
 */
export const usageRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    url: '/admin/usage',
    subject: Subjects.admin.usageQuery,
    service: 'telemetry',
    input(request) {
      const q = request.query as Record<string, string | undefined>;
      return {
        group_by: orUndefined(q['group_by']),
        since: toEpochMs(q['since'], 'since'),
        until: toEpochMs(q['until'], 'until'),
        key_id: orUndefined(q['key_id']),
        team: orUndefined(q['team']),
        model: orUndefined(q['model']),
      };
    },
  },
];
