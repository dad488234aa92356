/** Anthropic's error body, `{type:'error', error:{type,message}, request_id}`, as its API sends it. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}

/** A canned HTTP failure: status, error type and message, and any headers clients act on. */
export interface FakeAnthropicFailure {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

export function anthropicError(type: string, message: string, requestId: string | null): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** A 400 `invalid_request_error`, the type the API gives every malformed request. */
export const invalidRequest = (message: string): FakeAnthropicFailure => ({
  status: 400,
  type: 'invalid_request_error',
  message,
});

/**
 * Models named here answer with the failure, wording and types copied from Anthropic's documented
 * errors (https://docs.claude.com/en/api/errors), so adapters are tested on the exact bodies they map.
 */
export const FAILURES: Readonly<Record<string, FakeAnthropicFailure>> = {
  'fail-400': invalidRequest('messages.0.content: fake model fail-400 always rejects this request.'),
  'prompt-too-long': invalidRequest('prompt is too long: 208310 tokens > 200000 maximum'),
  'fail-401': { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
  'fail-403': {
    status: 403,
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  'fail-404': { status: 404, type: 'not_found_error', message: 'model: fail-404' },
  'fail-413': {
    status: 413,
    type: 'request_too_large',
    message: 'Request exceeds the maximum allowed number of bytes.',
  },
  'fail-429': {
    status: 429,
    type: 'rate_limit_error',
    message:
      'This request would exceed the rate limit for your organization (org-fake-0123) of 5 requests per ' +
      'minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
    headers: {
      'retry-after': '1',
      'anthropic-ratelimit-requests-limit': '5',
      'anthropic-ratelimit-requests-remaining': '0',
    },
  },
  'fail-500': { status: 500, type: 'api_error', message: 'Internal server error' },
  overloaded: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
};

/** What a stream says when it fails after its 200: an `error` event, as the API documents it. */
export const STREAM_FAILURES: Readonly<Record<string, { type: string; message: string }>> = {
  'stream-error': { type: 'api_error', message: 'Internal server error' },
  'stream-overloaded': { type: 'overloaded_error', message: 'Overloaded' },
};
