import type { InFlight } from '../domain/in-flight.js';

export interface CancelRequestDeps {
  inFlight: InFlight;
}

/** A `cancel` message (body: the request id): aborts that request's calls here; returns how many. */
export function createCancelRequest({ inFlight }: CancelRequestDeps): (requestId: string) => number {
  return (requestId) => {
    const id = requestId.trim();
    return id === '' ? 0 : inFlight.abort(id, 'cancelled');
  };
}
