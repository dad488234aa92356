import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';

interface UpstreamError {
  message: string | undefined;
  code: string | undefined;
  param: string | undefined;
  type: string | undefined;
}

const MAX_TEXT = 200;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** OpenAI's `{error:{message,code,param,type}}`, or the first words of a body that is not JSON. */
export function readUpstreamError(body: string): UpstreamError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const text = body.trim().replace(/\s+/g, ' ');
    return {
      message: text ? text.slice(0, MAX_TEXT) : undefined,
      code: undefined,
      param: undefined,
      type: undefined,
    };
  }
  const error = isRecord(json) ? json['error'] : undefined;
  if (typeof error === 'string')
    return { message: error, code: undefined, param: undefined, type: undefined };
  const e = isRecord(error) ? error : isRecord(json) ? json : {};
  return {
    message: str(e['message']) ?? str(isRecord(json) ? json['detail'] : undefined),
    code: str(e['code']),
    param: str(e['param']),
    type: str(e['type']),
  };
}

const header = (failure: UpstreamFailure, name: string): string | undefined => {
  const v = failure.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `retry-after-ms` (OpenAI's own), else `retry-after` in seconds or as an HTTP date. */
export function readRetryAfterMs(failure: UpstreamFailure, now = Date.now()): number | undefined {
  const ms = Number(header(failure, 'retry-after-ms'));
  if (header(failure, 'retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const after = header(failure, 'retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A non-2xx answer of an OpenAI-compatible provider as the gateway's error, by status. */
export function mapOpenAIError(providerId: string, failure: UpstreamFailure): GatewayError {
  const { status } = failure;
  const upstream = readUpstreamError(failure.body);
  const said = upstream.message ? `: ${upstream.message}` : '';
  const make = (code: ErrorCode, message: string, options: GatewayErrorOptions = {}): GatewayError =>
    new GatewayError(code, message, { ...options, provider: providerId });

  if (status === 400 || status === 422) {
    const options: GatewayErrorOptions = {};
    if (upstream.code) options.openaiCode = upstream.code;
    if (upstream.param) options.param = upstream.param;
    return make(
      'invalid_request',
      upstream.message ?? `Provider ${providerId} rejected the request.`,
      options,
    );
  }
  if (status === 401 || status === 403) {
    // The upstream message may quote our key: it is not repeated to the caller.
    return make(
      'upstream_error',
      `Provider ${providerId} rejected the gateway's credentials (HTTP ${status}). An operator must check its api_key.`,
    );
  }
  if (status === 404) {
    return make(
      'model_not_found',
      upstream.message ?? `Provider ${providerId} does not serve the requested model.`,
    );
  }
  if (status === 408 || status === 504)
    return make('timeout', `Provider ${providerId} timed out (HTTP ${status}).`);
  if (status === 413)
    return make(
      'payload_too_large',
      upstream.message ?? `Provider ${providerId} found the request too large.`,
    );
  if (status === 429) {
    if (upstream.code === 'insufficient_quota' || upstream.type === 'insufficient_quota') {
      return make(
        'upstream_error',
        `Provider ${providerId} reports that the gateway's account is out of quota.`,
      );
    }
    const retryAfterMs = readRetryAfterMs(failure);
    const wait = retryAfterMs === undefined ? '' : ` Please try again in ${Math.ceil(retryAfterMs / 1000)}s.`;
    // Worded by us: the provider's text names the gateway's organisation and limits.
    return make(
      'rate_limited',
      `Provider ${providerId} is rate limiting requests.${wait}`,
      retryAfterMs === undefined ? {} : { retryAfterMs },
    );
  }
  if (status === 503) return make('unavailable', `Provider ${providerId} is unavailable (HTTP 503)${said}`);
  return make('upstream_error', `Provider ${providerId} failed (HTTP ${status})${said}`);
}

/** An `{"error":…}` event inside a stream: the provider failed after it started answering. */
export function mapOpenAIStreamError(providerId: string, error: unknown): GatewayError {
  const upstream = readUpstreamError(JSON.stringify({ error }));
  const said = upstream.message ? `: ${upstream.message}` : '';
  return new GatewayError('upstream_error', `Provider ${providerId} failed while streaming${said}`, {
    provider: providerId,
  });
}

/** Codes of a call that never reached the provider, or lost its connection. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

const errorCode = (err: unknown): string | undefined => {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    // Node wraps parallel connect attempts (IPv4 and IPv6) in an AggregateError.
    if (e instanceof AggregateError) {
      const inner = e.errors.map(errorCode).find(Boolean);
      if (inner) return inner;
    }
  }
  return undefined;
};

/** Connection refused/reset → `unavailable`, naming the provider but never its URL (which may hold credentials). */
export function mapConnectionError(providerId: string, err: unknown): GatewayError | undefined {
  const code = errorCode(err);
  if (code === undefined) return undefined;
  return new GatewayError('unavailable', `Could not reach provider ${providerId} (${code}).`, {
    provider: providerId,
    cause: err,
  });
}
