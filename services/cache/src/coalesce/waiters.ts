type Wake = (entry: string | undefined) => void;

/**
 * Requests of this process waiting for an identical one's answer (which may be in flight in any
 * replica): every replica reads the store messages, and wakes its waiters for that key.
 */
export interface Waiters {
  /**
   * Resolves with the entry once stored, or undefined when the first request failed or `ms` went
   * by. `recheck` runs once the wait is registered, so an answer stored just before is not missed.
   */
  wait(key: string, ms: number, recheck: () => Promise<string | undefined>): Promise<string | undefined>;
  /** The answer for `key` was stored (`entry`) or will not be (undefined). */
  wake(key: string, entry: string | undefined): void;
  /** Keys someone waits for: store messages for other keys are ignored at once. */
  has(key: string): boolean;
}

export function createWaiters(): Waiters {
  const waiting = new Map<string, Set<Wake>>();
  return {
    wait(key, ms, recheck) {
      return new Promise((resolve) => {
        let set = waiting.get(key);
        if (set === undefined) waiting.set(key, (set = new Set()));
        const wake: Wake = (entry) => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0 && waiting.get(key) === set) waiting.delete(key);
          resolve(entry);
        };
        const timer = setTimeout(() => wake(undefined), Math.max(0, ms));
        set.add(wake);
        recheck().then(
          (entry) => {
            if (entry !== undefined && set.has(wake)) wake(entry);
          },
          () => undefined, // the timer still ends the wait
        );
      });
    },
    wake(key, entry) {
      for (const wake of [...(waiting.get(key) ?? [])]) wake(entry);
    },
    has: (key) => waiting.has(key),
  };
}
