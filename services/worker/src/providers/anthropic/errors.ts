import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { readRetryAfterMs } from '../openai-compatible/errors.js';

/** What an Anthropic error body says: `{type:'error', error:{type, message, details?}}`. */
interface AnthropicErrorInfo {
  type: string | undefined;
  message: string | undefined;
  /** `error.details.error_code`, a finer cause (e.g. `enforced_spend_limit_reached`). */
  errorCode: string | undefined;
}

const MAX_TEXT = 200;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Reads the error body. A body that is not JSON (a proxy's page, Cloudflare's 413) yields its
 * first words, unless it is HTML, which says nothing useful to a caller.
 */
export function readAnthropicError(body: string): AnthropicErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const text = body.trim().replace(/\s+/g, ' ');
    const message = text && !text.startsWith('<') ? text.slice(0, MAX_TEXT) : undefined;
    return { type: undefined, message, errorCode: undefined };
  }
  const error = isRecord(json) && isRecord(json['error']) ? json['error'] : {};
  const details = isRecord(error['details']) ? error['details'] : {};
  return { type: str(error['type']), message: str(error['message']), errorCode: str(details['error_code']) };
}

/** The error type a status stands for when the body does not say (Anthropic's documented table). */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

// Anthropic's words for a prompt over the model's window, in its 400s:
// "prompt is too long: 208310 tokens > 200000 maximum", "input length and `max_tokens` exceed context limit: …".
const CONTEXT_TOO_LONG = /prompt is too long|exceed(s)? (the )?context (limit|window)/i;

/**
 * Turns Anthropic's error (a non-2xx answer, or an `error` event inside a 200 stream) into the
 * gateway's: by the body's error type first, by status when the body has none. Credentials and
 * rate-limit texts are worded by us: the provider's may quote the key or name the organisation.
 */
export function toAnthropicGatewayError(
  providerId: string,
  status: number | undefined,
  info: AnthropicErrorInfo,
  retryAfterMs?: number,
): GatewayError {
  const make = (code: ErrorCode, message: string, options: GatewayErrorOptions = {}): GatewayError =>
    new GatewayError(code, message, { ...options, provider: providerId });
  const said = info.message ? `: ${info.message}` : '';
  const type =
    status === 401 || status === 403
      ? TYPE_BY_STATUS[status]
      : (info.type ?? (status === undefined ? undefined : TYPE_BY_STATUS[status]));

  switch (type) {
    case 'invalid_request_error':
      if (info.message && CONTEXT_TOO_LONG.test(info.message)) {
        return make('invalid_request', info.message, {
          openaiCode: 'context_length_exceeded',
          param: 'messages',
        });
      }
      return make('invalid_request', info.message ?? `Provider ${providerId} rejected the request.`);
    case 'authentication_error':
    case 'permission_error':
      return make(
        'upstream_error',
        `Provider ${providerId} rejected the gateway's credentials (HTTP ${status ?? 401}). An operator must check its api_key.`,
      );
    case 'billing_error':
      return make(
        'upstream_error',
        `Provider ${providerId} reports a billing problem with the gateway's account.`,
      );
    case 'not_found_error':
      return make(
        'model_not_found',
        info.message ?? `Provider ${providerId} does not serve the requested model.`,
      );
    case 'request_too_large':
      return make('payload_too_large', info.message ?? `Provider ${providerId} found the request too large.`);
    case 'timeout_error':
      return make('timeout', `Provider ${providerId} timed out${said}`);
    case 'rate_limit_error': {
      if (info.errorCode?.includes('spend_limit')) {
        return make(
          'upstream_error',
          `Provider ${providerId} reports that the gateway's account reached its spend limit.`,
        );
      }
      const wait =
        retryAfterMs === undefined ? '' : ` Please try again in ${Math.ceil(retryAfterMs / 1000)}s.`;
      return make(
        'rate_limited',
        `Provider ${providerId} is rate limiting requests.${wait}`,
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    }
    case 'overloaded_error':
      return make(
        'unavailable',
        `Provider ${providerId} is overloaded${said}`,
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    default:
      if (status === 503)
        return make('unavailable', `Provider ${providerId} is unavailable (HTTP 503)${said}`);
      return make(
        'upstream_error',
        status === undefined
          ? `Provider ${providerId} failed while streaming${said}`
          : `Provider ${providerId} failed (HTTP ${status})${said}`,
      );
  }
}

/** A non-2xx answer of the Messages API as the gateway's error. */
export const mapAnthropicError = (providerId: string, failure: UpstreamFailure): GatewayError =>
  toAnthropicGatewayError(
    providerId,
    failure.status,
    readAnthropicError(failure.body),
    readRetryAfterMs(failure),
  );

/** An `event: error` inside a 200 stream (e.g. `overloaded_error`): the provider failed mid-answer. */
export const mapAnthropicStreamError = (providerId: string, data: string): GatewayError =>
  toAnthropicGatewayError(providerId, undefined, readAnthropicError(data));
