import { deploymentIdOf, type SwitchyardConfig } from '@switchyard/config';

/** Gives a slot back. */
export type Release = () => void;

export interface DeploymentSlots {
  /**
   * Resolves once a call to `deploymentId` may go upstream; rejects with the signal's reason if
   * the call is aborted (deadline, cancel, shutdown) while it waits. No limit: resolves at once.
   */
  acquire(deploymentId: string, signal: AbortSignal): Promise<Release>;
}

const NOTHING: Release = () => {};

/** A counting semaphore whose waiters leave the queue when their call is aborted. */
class Semaphore {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

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
      const next = this.waiting.shift();
      if (next) next();
      else this.inUse--;
    };
  }
}

/**
 * Per-deployment concurrency limits (`max_concurrency`) for the providers one worker serves.
 * Counted per worker process: N workers of a provider allow N × the limit in all.
 */
export function createDeploymentSlots(
  config: SwitchyardConfig,
  providerIds: readonly string[],
): DeploymentSlots {
  const served = new Set(providerIds);
  const semaphores = new Map<string, Semaphore>();
  for (const model of Object.values(config.models)) {
    for (const d of model.deployments) {
      if (d.max_concurrency === undefined || !served.has(d.provider)) continue;
      // A limited prefix deployment has an id (the config requires it), so `model` is not needed.
      semaphores.set(deploymentIdOf(d, d.model ?? ''), new Semaphore(d.max_concurrency));
    }
  }
  return {
    acquire(deploymentId, signal) {
      return semaphores.get(deploymentId)?.acquire(signal) ?? Promise.resolve(NOTHING);
    },
  };
}
