import { CallAborted, type AbortCause } from './call-aborted.js';

export interface InFlight {
  /** Registers a call under its request id; the returned function forgets it. */
  track(requestId: string, controller: AbortController): () => void;
  /** Aborts every call of a request (a retried request may have two); returns how many. */
  abort(requestId: string, why: AbortCause): number;
  abortAll(why: AbortCause): void;
  readonly size: number;
}

/** The worker's calls in progress by request id, so a cancel message finds what to abort. */
export function createInFlight(): InFlight {
  const calls = new Map<string, Set<AbortController>>();
  return {
    track(requestId, controller) {
      let set = calls.get(requestId);
      if (!set) calls.set(requestId, (set = new Set()));
      set.add(controller);
      return () => {
        set.delete(controller);
        if (set.size === 0 && calls.get(requestId) === set) calls.delete(requestId);
      };
    },
    abort(requestId, why) {
      const set = calls.get(requestId);
      if (!set) return 0;
      for (const controller of set) controller.abort(new CallAborted(why));
      return set.size;
    },
    abortAll(why) {
      for (const set of calls.values()) for (const controller of set) controller.abort(new CallAborted(why));
    },
    get size() {
      return calls.size;
    },
  };
}
