import type { LocalProcess } from './local-process.js';

export interface WaitOptions {
  /** What we are waiting for, for the error message. */
  what: string;
  timeoutMs?: number;
}

/**
 * Waits until the server prints its ready line. Fails fast, with the server's own output, if the
 * process dies (a port taken in the meantime, a bad config), and after a bound instead of hanging.
 */
export async function waitUntilReady(
  server: LocalProcess,
  readyLine: RegExp,
  options: WaitOptions,
): Promise<void> {
  const { what, timeoutMs = 10_000 } = options;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    server.printed(readyLine).then(() => 'ready' as const),
    server.exited.then((reason) => `exited before it was ready (${reason})`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`was not ready after ${timeoutMs} ms`), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') throw new Error(`${what} ${outcome}:\n${server.output()}`);
}
