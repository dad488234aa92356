import { RequestCompleted } from '@switchyard/contracts';
import type { ModelLabel } from '../domain/model-label.js';
import { toUsageEntry } from '../domain/usage.js';
import type { DurableEventHandler } from '../jetstream/events-consumer.js';
import type { UsageStore } from '../usage/usage-store.js';
import { parseEvent } from '@switchyard/bus';

export interface AccountRequestDeps {
  usage: UsageStore;
  modelLabel: ModelLabel;
}

/**
 * A request's usage roll-up, from its event in the events stream. Replays are expected (the
 * stream redelivers what was not acknowledged): the store adds a request once. A store failure
 * throws, so the event comes back later.
 */
export function createAccountRequest({ usage, modelLabel }: AccountRequestDeps): DurableEventHandler {
  return async (data, seq) => {
    // The live handler warns of a malformed event; saying it twice would not help.
    const e = parseEvent(RequestCompleted, 'request.completed', data);
    if (e === undefined) return;
    await usage.add(toUsageEntry(e, modelLabel(e.model, e.status), `seq:${seq}`), seq);
  };
}
