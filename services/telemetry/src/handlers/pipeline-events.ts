import { AttemptFailed, StoreUnavailable } from '@switchyard/contracts';
import { parseEvent } from '@switchyard/bus';
import type { EventHandler, LiveEventDeps } from './request-completed.js';

/** `attempt.failed`: a fallback to another deployment, counted by the provider that failed. */
export const createAttemptFailed =
  ({ log, metrics }: LiveEventDeps): EventHandler =>
  (data) => {
    const e = parseEvent(AttemptFailed, 'attempt.failed', data, log);
    if (e !== undefined) metrics.attemptFailed(e);
  };

/** `store.unavailable`: requests a service handled without its store, counted by what it did. */
export const createStoreUnavailable =
  ({ log, metrics }: LiveEventDeps): EventHandler =>
  (data) => {
    const e = parseEvent(StoreUnavailable, 'store.unavailable', data, log);
    if (e !== undefined) metrics.storeUnavailable(e);
  };
