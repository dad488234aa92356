import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { readRetryAfterMs } from '../openai-compatible/errors.js';

/** Google's error body, `{error:{code, message, status, details}}`, as far as it could be read. */
export interface GeminiError {
  code: number | undefined;
  message: string | undefined;
  /** The google.rpc status name: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, … */
  status: string | undefined;
  /** `reason` of the ErrorInfo detail, e.g. API_KEY_INVALID. */
  reason: string | undefined;
  /** From the RetryInfo detail (`"37s"`). */
  retryDelayMs: number | undefined;
}

const MAX_TEXT = 200;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads Google's error shape; some Google front ends wrap it in a one-element array. */
export function readGeminiError(body: string): GeminiError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const text = body.trim().replace(/\s+/g, ' ');
    return {
      code: undefined,
      message: text ? text.slice(0, MAX_TEXT) : undefined,
      status: undefined,
      reason: undefined,
      retryDelayMs: undefined,
    };
  }
  const top = Array.isArray(json) ? json[0] : json;
  const error = isRecord(top) && isRecord(top['error']) ? top['error'] : {};
  const details = Array.isArray(error['details']) ? error['details'].filter(isRecord) : [];
  const detail = (type: string) => details.find((d) => String(d['@type']).endsWith(type));
  return {
    code: typeof error['code'] === 'number' ? error['code'] : undefined,
    message: str(error['message']),
    status: str(error['status']),
    reason: str(detail('google.rpc.ErrorInfo')?.['reason']),
    retryDelayMs: parseDuration(detail('google.rpc.RetryInfo')?.['retryDelay']),
  };
}

/** A protobuf Duration in JSON (`"37s"`, `"0.5s"`) as milliseconds. */
function parseDuration(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return m ? Math.ceil(Number(m[1]) * 1000) : undefined;
}

// Gemini words these as 400 INVALID_ARGUMENT; OpenAI callers act on the finer codes.
const CONTEXT_TOO_LONG = /exceeds the maximum number of tokens/i;
const PAYLOAD_TOO_LARGE = /payload size exceeds/i;

/** A non-2xx Gemini answer as the gateway's error: by status, refined by Google's status name. */
export function mapGeminiError(providerId: string, failure: UpstreamFailure): GatewayError {
  const upstream = readGeminiError(failure.body);
  return toGatewayError(providerId, failure.status, upstream, () => readRetryAfterMs(failure), '');
}

/** An `{"error":…}` event inside a 200 stream: Gemini failed after it started answering. */
export function mapGeminiStreamError(providerId: string, error: unknown): GatewayError {
  const upstream = readGeminiError(JSON.stringify({ error }));
  return toGatewayError(providerId, upstream.code ?? 500, upstream, () => undefined, ' while streaming');
}

function toGatewayError(
  providerId: string,
  status: number,
  upstream: GeminiError,
  retryAfterHeader: () => number | undefined,
  when: string,
): GatewayError {
  const make = (code: ErrorCode, message: string, options: GatewayErrorOptions = {}): GatewayError =>
    new GatewayError(code, message, { ...options, provider: providerId });
  const said = upstream.message ? `: ${upstream.message}` : '';

  // Google answers a wrong key with 400 INVALID_ARGUMENT; it is still the operator's credentials.
  if (status === 401 || status === 403 || upstream.reason?.startsWith('API_KEY_')) {
    // Our wording only: Google's details may quote the key.
    return make(
      'upstream_error',
      `Provider ${providerId} rejected the gateway's credentials (HTTP ${status}). An operator must check its api_key.`,
    );
  }
  if (status === 400 && upstream.status === 'FAILED_PRECONDITION') {
    // Region or billing of the gateway's Google project: not the caller's request, and another
    // deployment may serve it.
    return make('upstream_error', `Provider ${providerId} cannot serve this gateway${said}`);
  }
  if (status === 400 || status === 422) {
    const message = upstream.message ?? `Provider ${providerId} rejected the request.`;
    if (PAYLOAD_TOO_LARGE.test(message)) return make('payload_too_large', message);
    return make(
      'invalid_request',
      message,
      CONTEXT_TOO_LONG.test(message) ? { openaiCode: 'context_length_exceeded' } : {},
    );
  }
  if (status === 404) {
    return make(
      'model_not_found',
      upstream.message ?? `Provider ${providerId} does not serve the requested model.`,
    );
  }
  if (status === 413) return make('payload_too_large', upstream.message ?? 'The request is too large.');
  if (status === 429) {
    const retryAfterMs = upstream.retryDelayMs ?? retryAfterHeader();
    const wait = retryAfterMs === undefined ? '' : ` Please try again in ${Math.ceil(retryAfterMs / 1000)}s.`;
    // Worded by us: Google's text names the gateway's project quotas and plan.
    return make(
      'rate_limited',
      `Provider ${providerId} is rate limiting requests.${wait}`,
      retryAfterMs === undefined ? {} : { retryAfterMs },
    );
  }
  if (status === 408 || status === 504) {
    return make('timeout', `Provider ${providerId} timed out${when} (HTTP ${status}).`);
  }
  if (status === 503) return make('unavailable', `Provider ${providerId} is unavailable${when}${said}`);
  return make('upstream_error', `Provider ${providerId} failed${when} (HTTP ${status})${said}`);
}
