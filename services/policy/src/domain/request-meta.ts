import { CallerHeaders, GatewayError } from '@switchyard/contracts';

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request's absolute deadline (epoch ms): the server's timeout, or the caller's shorter one.
 * A malformed timeout is refused rather than ignored: a caller who set one relies on it.
 */
export function resolveDeadline(now: number, serverTimeoutMs: number, requested: string | undefined): number {
  if (requested === undefined) return now + serverTimeoutMs;
  const ms = Number(requested);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new GatewayError(
      'invalid_request',
      `Invalid value for header '${CallerHeaders.timeoutMs}': expected a positive whole number of milliseconds.`,
    );
  }
  return now + Math.min(ms, serverTimeoutMs);
}

/**
 * The caller's `x-request-id` when it is a sane token (it lands in logs and headers), else a
 * fresh one from `generate`.
 */
export function resolveRequestId(requested: string | undefined, generate: () => string): string {
  return requested !== undefined && REQUEST_ID.test(requested) ? requested : generate();
}
