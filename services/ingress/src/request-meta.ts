import type { IncomingHttpHeaders } from 'node:http';
import { isValidTraceparent, newTraceparent } from '@switchyard/bus';
import { GatewayError, isForwardedCallerHeader } from '@switchyard/contracts';

/** Lets a caller ask for a shorter deadline than the configured one, never a longer one. */
export const TIMEOUT_HEADER = 'x-switchyard-timeout-ms';

/** What the ingress takes from the HTTP headers of every request it forwards to the bus. */
export interface HttpMeta {
  /** `Bearer <key>`, whichever header the caller used; absent when none (policy answers 401). */
  authorization: string | undefined;
  traceparent: string;
  tracestate: string | undefined;
  /** Absolute deadline, epoch milliseconds. */
  deadline: number;
  /** The caller's `x-switchyard-*` and `cache-control` headers, for the stages that read them. */
  options: [name: string, value: string][];
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * OpenAI SDKs send `Authorization: Bearer <key>`, Anthropic's send `x-api-key: <key>`: both
 * become `Bearer <key>` so policy reads one form. Another scheme counts as no key, as OpenAI does.
 */
export function authorizationOf(headers: IncomingHttpHeaders): string | undefined {
  const bearer = headers.authorization === undefined ? null : BEARER.exec(headers.authorization);
  if (bearer) return `Bearer ${bearer[1]}`;
  const apiKey = headers['x-api-key'];
  const key = typeof apiKey === 'string' ? apiKey.trim() : '';
  return key === '' ? undefined : `Bearer ${key}`;
}

/** The configured whole-request timeout, shortened by the caller's `x-switchyard-timeout-ms`. */
export function deadlineOf(headers: IncomingHttpHeaders, receivedAt: number, timeoutMs: number): number {
  const raw = headers[TIMEOUT_HEADER];
  if (raw === undefined) return receivedAt + timeoutMs;
  const ms = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new GatewayError(
      'invalid_request',
      `Invalid ${TIMEOUT_HEADER} header: expected a positive whole number of milliseconds.`,
    );
  }
  return receivedAt + Math.min(ms, timeoutMs);
}

function callerOptions(headers: IncomingHttpHeaders): [string, string][] {
  const options: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === TIMEOUT_HEADER || !isForwardedCallerHeader(name) || value === undefined) continue;
    options.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  return options;
}

export function readHttpMeta(headers: IncomingHttpHeaders, receivedAt: number, timeoutMs: number): HttpMeta {
  const traceparent = headers.traceparent;
  // A caller's trace is continued only when its traceparent is well-formed; tracestate belongs to it.
  const continued = typeof traceparent === 'string' && isValidTraceparent(traceparent);
  const tracestate = headers.tracestate;
  return {
    authorization: authorizationOf(headers),
    traceparent: continued ? traceparent : newTraceparent(),
    tracestate: continued && typeof tracestate === 'string' && tracestate !== '' ? tracestate : undefined,
    deadline: deadlineOf(headers, receivedAt, timeoutMs),
    options: callerOptions(headers),
  };
}
