import { afterAll, beforeAll } from 'vitest';
import { startWorkerHarness, type WorkerHarness } from './worker-harness.js';

/** A provider's fake as the worker's int tests start and stop it. */
export interface StartedFake {
  stop(): Promise<void>;
}

/** What a provider's int tests use: set before the first test of the file runs. */
export interface WorkerWithFake<F extends StartedFake> {
  fake: F;
  harness: WorkerHarness;
}

/**
 * Before the file's tests: the provider's fake, then a worker over real NATS on the config
 * `configFor(fake)` returns; after them: both stopped, worker first.
 */
export function useWorkerWithFake<F extends StartedFake>(
  startFake: () => Promise<F>,
  configFor: (fake: F) => object | Promise<object>,
): WorkerWithFake<F> {
  const env = {} as WorkerWithFake<F>;
  let fake: F | undefined;
  let harness: WorkerHarness | undefined;
  beforeAll(async () => {
    fake = await startFake();
    env.fake = fake;
    harness = await startWorkerHarness(await configFor(fake));
    env.harness = harness;
  });
  afterAll(async () => {
    await harness?.stop();
    await fake?.stop();
  });
  return env;
}

/** The body of the last request the fake received. */
export const lastBody = (fake: { readonly requests: { body: unknown }[] }): Record<string, unknown> =>
  fake.requests.at(-1)!.body as Record<string, unknown>;
