import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** True for a W3C trace-context `traceparent` (version 00) with non-zero ids. */
export function isValidTraceparent(value: string | undefined): value is string {
  if (!value) return false;
  const m = TRACEPARENT.exec(value);
  return m !== null && m[1] !== ZERO_TRACE && m[2] !== ZERO_SPAN;
}

const ID_BYTES = 24;
/** Random bytes for 256 traceparents, drawn at once: one fill per 256 requests instead of one each. */
const pool = Buffer.allocUnsafe(ID_BYTES * 256);
let taken = pool.length;

/** A fresh sampled `traceparent`, for a request that arrived without one. */
export function newTraceparent(): string {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const hex = pool.toString('hex', taken, (taken += ID_BYTES));
  return `00-${hex.slice(0, 32)}-${hex.slice(32)}-01`;
}

/** The trace id part of a valid traceparent, for log lines. */
export const traceIdOf = (traceparent: string | undefined): string | undefined =>
  isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : undefined;
