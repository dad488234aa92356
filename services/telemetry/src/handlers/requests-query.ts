import type { AdminEndpoint } from '@switchyard/bus';
import { GatewayError, QueueGroups, RequestLogQuery, Subjects } from '@switchyard/contracts';
import type { RequestLog } from '../request-log/request-log.js';

/**
 * `llm.v1.admin.requests.query`: a `RequestLogQuery` in, a `RequestLogPage` out. `requestLog` is
 * undefined when the request log is off or JetStream is not available.
 */
export function requestsQueryEndpoint(
  requestLog: RequestLog | undefined,
): AdminEndpoint<typeof RequestLogQuery> {
  return {
    subject: Subjects.admin.requestsQuery,
    queue: QueueGroups.telemetry,
    schema: RequestLogQuery,
    async handle(query) {
      if (requestLog === undefined)
        throw new GatewayError('unavailable', 'The request log is turned off or JetStream is not available.');
      return { body: await requestLog.query(query) };
    },
  };
}
