import type { ErrorCode, GatewayError } from '@switchyard/contracts';

/** Anthropic's error types, as its API and SDKs name them. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/**
 * Each gateway error code as Anthropic's error type. The HTTP status stays the gateway's own (the
 * `ERRORS` table): Anthropic's SDKs pick their error class by status, so a 404 is a
 * `NotFoundError` and a 502 an `InternalServerError` whatever the body says.
 */
export const ANTHROPIC_ERROR_TYPES: Readonly<Record<ErrorCode, AnthropicErrorType>> = {
  invalid_request: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  forbidden: 'permission_error',
  model_not_found: 'not_found_error',
  not_found: 'not_found_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'request_too_large',
  rate_limited: 'rate_limit_error',
  quota_exceeded: 'rate_limit_error',
  cancelled: 'invalid_request_error',
  internal: 'api_error',
  upstream_error: 'api_error',
  unavailable: 'overloaded_error',
  timeout: 'api_error',
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/** `{type:'error', error:{type, message}, request_id}`: the body of every Anthropic error answer and stream error event. */
export function toAnthropicErrorBody(err: GatewayError, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: ANTHROPIC_ERROR_TYPES[err.code], message: err.message },
  };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}
