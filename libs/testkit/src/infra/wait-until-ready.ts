import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalProcess } from './local-process.js';

export interface WaitOptions {
  /** What we are waiting for, for the error message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it succeeds. Fails fast, with the server's own output, if the process dies
 * (a port taken in the meantime, a bad config), and after a bound instead of hanging the suite.
 */
export async function waitUntilReady(
  server: LocalProcess,
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const { what, timeoutMs = 10_000, intervalMs = 50 } = options;
  let exit: string | undefined;
  void server.exited.then((reason) => (exit = reason));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined)
      throw new Error(`${what} exited before it was ready (${exit}):\n${server.output()}`);
    if (await probe()) return;
    await sleep(intervalMs);
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${server.output()}`);
}
