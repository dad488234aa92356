import type { AdminEndpoint } from '@switchyard/bus';
import { GatewayError, QueueGroups, Subjects, UsageQuery, type UsagePage } from '@switchyard/contracts';
import { queryDays, usageRows } from '../domain/usage.js';
import type { UsageStore } from '../usage/usage-store.js';

/**
 * `llm.v1.admin.usage.query`: a `UsageQuery` in, a `UsagePage` out. `usage` is undefined when
 * JetStream is not available (the roll-ups are fed from the events stream).
 */
export function usageQueryEndpoint(
  usage: UsageStore | undefined,
  now: () => number = Date.now,
): AdminEndpoint<typeof UsageQuery> {
  return {
    subject: Subjects.admin.usageQuery,
    queue: QueueGroups.telemetry,
    schema: UsageQuery,
    async handle(query) {
      if (usage === undefined)
        throw new GatewayError('unavailable', 'Usage roll-ups need JetStream, which is not available.');
      const days = queryDays(query, now());
      let totals;
      try {
        totals = await usage.read(days);
      } catch (cause) {
        throw new GatewayError('unavailable', 'The usage store (Redis) is not reachable.', { cause });
      }
      const page: UsagePage = { object: 'list', data: usageRows(totals, query) };
      return { body: page };
    },
  };
}
