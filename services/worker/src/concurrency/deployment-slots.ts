/** Gives a slot back. */
export type Release = () => void;

export interface DeploymentSlots {
  /**
   * Resolves once a call to `deploymentId` may go upstream under `limit` calls at once (the
   * router's current `max_concurrency`; undefined: none); rejects with the signal's reason if the
   * call is aborted (deadline, cancel, shutdown) while it waits.
   */
  acquire(deploymentId: string, limit: number | undefined, signal: AbortSignal): Promise<Release>;
}

const NOTHING: Release = () => {};

/** A counting semaphore whose waiters leave the queue when their call is aborted. */
class Semaphore {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {}

  /** A route changed at run time: a higher limit lets waiters in now, a lower one holds new calls. */
  setLimit(limit: number): void {
    this.limit = limit;
    while (this.inUse < this.limit && this.waiting.length > 0) {
      this.inUse++;
      this.waiting.shift()!();
    }
  }

  acquire(signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.inUse < this.limit) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', leave);
        resolve(this.releaser());
      };
      const leave = (): void => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so the count never dips and lets a newcomer jump the queue.
      const next = this.inUse <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.inUse--;
    };
  }
}

/**
 * Per-deployment concurrency limits (`max_concurrency`), as the router stamps them on each
 * request, so a limit changed at run time applies from the next call. Counted per worker
 * process: N workers of a provider allow N × the limit in all.
 */
export function createDeploymentSlots(): DeploymentSlots {
  const semaphores = new Map<string, Semaphore>();
  return {
    acquire(deploymentId, limit, signal) {
      if (limit === undefined) return Promise.resolve(NOTHING);
      let semaphore = semaphores.get(deploymentId);
      if (semaphore === undefined) semaphores.set(deploymentId, (semaphore = new Semaphore(limit)));
      else semaphore.setLimit(limit);
      return semaphore.acquire(signal);
    },
  };
}
