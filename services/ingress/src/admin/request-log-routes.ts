import { GatewayError, Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';

/** A time filter as epoch milliseconds: given as milliseconds or as an ISO 8601 date. */
export function toEpochMs(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new GatewayError(
      'invalid_request',
      `Invalid ${param}: expected epoch milliseconds or an ISO 8601 date.`,
      {
        param,
      },
    );
  return ms;
}

export const orUndefined = (value: string | undefined): string | undefined => value || undefined;

/**
 * `GET /admin/requests?key_id=&team=&model=&status=&since=&until=&limit=`: the request log,
 * newest first, from the telemetry service. `status` is a code (`429`) or a class (`5xx`);
 * `since`/`until` are epoch ms or ISO dates. The telemetry service validates the rest.
 */
export const requestLogRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    url: '/admin/requests',
    subject: Subjects.admin.requestsQuery,
    service: 'telemetry',
    input(request) {
      const q = request.query as Record<string, string | undefined>;
      return {
        key_id: orUndefined(q['key_id']),
        team: orUndefined(q['team']),
        model: orUndefined(q['model']),
        status: orUndefined(q['status']),
        since: toEpochMs(q['since'], 'since'),
        until: toEpochMs(q['until'], 'until'),
        limit: q['limit'] === undefined || q['limit'] === '' ? undefined : Number(q['limit']),
      };
    },
  },
];
