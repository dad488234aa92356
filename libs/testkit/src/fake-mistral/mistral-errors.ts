/**
 * Mistral's error bodies, as its API sends them: `{object:"error", message, type, param, code}`
 * for most, a bare `{message}` from its gateway (auth, rate limits), and pydantic's report
 * inside `message` for a request it cannot validate (422).
 */
export interface MistralFailure {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const mistralError = (
  status: number,
  message: string,
  type: string,
  code: string | null = null,
): MistralFailure => ({
  status,
  body: { object: 'error', message, type, param: null, code },
});

export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

export const validationFailed = (issues: ValidationIssue[]): MistralFailure => ({
  status: 422,
  body: {
    object: 'error',
    message: { detail: issues },
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
});

export const unauthorized = (): MistralFailure => ({
  status: 401,
  body: { message: 'Unauthorized', request_id: 'fake0000000000000000000000000000' },
});

export const invalidModel = (model: string): MistralFailure =>
  mistralError(400, `Invalid model: ${model}`, 'invalid_model', '1500');

/** `fail-<status>` models answer with these. */
export const MISTRAL_FAILURES: Readonly<Record<string, MistralFailure>> = {
  'fail-400': mistralError(
    400,
    "Unexpected role 'user' after role 'tool'",
    'invalid_request_message_order',
    '3230',
  ),
  'fail-401': unauthorized(),
  'fail-404': invalidModel('fail-404'),
  'fail-429': {
    status: 429,
    body: { message: 'Requests rate limit exceeded' },
    headers: { 'retry-after': '1' },
  },
  'fail-500': mistralError(500, 'Internal server error', 'internal_server_error', '1000'),
  'fail-503': mistralError(503, 'Service unavailable.', 'service_unavailable', '1000'),
};
