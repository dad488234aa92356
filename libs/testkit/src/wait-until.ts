import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitUntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `check` until it holds, for state that changes over the bus (a stage's presence, a
 * socket closed upstream, an answer over HTTP). An async check is awaited each time. Throws after
 * `timeoutMs` instead of letting the test go on regardless.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 20 }: WaitUntilOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
