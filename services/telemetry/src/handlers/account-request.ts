import { RequestCompleted } from '@switchyard/contracts';
import type { ModelLabel } from '../domain/model-label.js';
import { toUsageEntry } from '../domain/usage.js';
import type { DurableEventHandler } from '../jetstream/events-consumer.js';
import type { RequestLog } from '../request-log/request-log.js';
import { toRequestRecord } from '../request-log/to-record.js';
import type { UsageStore } from '../usage/usage-store.js';
import { parseEvent } from '@switchyard/bus';

export interface AccountRequestDeps {
  usage: UsageStore;
  modelLabel: ModelLabel;
  /** Undefined when the request log is off. */
  requestLog?: RequestLog | undefined;
}

/**
 * A request's usage roll-up and request record, from its event in the events stream. Replays are
 * expected (the stream redelivers what was not acknowledged): the store adds a request once, and
 * only the first time writes its record. A store failure throws, so the event comes back later.
 */
export function createAccountRequest({
  usage,
  modelLabel,
  requestLog,
}: AccountRequestDeps): DurableEventHandler {
  return async (data, seq) => {
    // The live handler warns of a malformed event; saying it twice would not help.
    const e = parseEvent(RequestCompleted, 'request.completed', data);
    if (e === undefined) return;
    const added = await usage.add(toUsageEntry(e, modelLabel(e.model, e.status), `seq:${seq}`), seq);
    if (added) requestLog?.append(toRequestRecord(e));
  };
}
