/**
 * One closed table of error codes, each with its HTTP status and OpenAI error type. Every
 * failure that crosses a boundary becomes a GatewayError, and every error answer anywhere
 * (HTTP, WebSocket, NATS frame) has the OpenAI shape {error:{message,type,param,code}}.
 */
export const ERRORS = {
  invalid_request: { http: 400, openaiType: 'invalid_request_error', openaiCode: null },
  unauthenticated: { http: 401, openaiType: 'invalid_request_error', openaiCode: 'invalid_api_key' },
  forbidden: { http: 403, openaiType: 'permission_error', openaiCode: 'model_not_allowed' },
  model_not_found: { http: 404, openaiType: 'invalid_request_error', openaiCode: 'model_not_found' },
  not_found: { http: 404, openaiType: 'invalid_request_error', openaiCode: 'not_found' },
  /** The change clashes with what exists: a duplicate id, or an entry the API may not change. */
  conflict: { http: 409, openaiType: 'invalid_request_error', openaiCode: 'conflict' },
  payload_too_large: { http: 413, openaiType: 'invalid_request_error', openaiCode: 'payload_too_large' },
  rate_limited: { http: 429, openaiType: 'rate_limit_error', openaiCode: 'rate_limit_exceeded' },
  quota_exceeded: { http: 429, openaiType: 'insufficient_quota', openaiCode: 'insufficient_quota' },
  cancelled: { http: 499, openaiType: 'invalid_request_error', openaiCode: 'cancelled' },
  internal: { http: 500, openaiType: 'server_error', openaiCode: 'internal_error' },
  upstream_error: { http: 502, openaiType: 'server_error', openaiCode: 'upstream_error' },
  unavailable: { http: 503, openaiType: 'server_error', openaiCode: 'service_unavailable' },
  timeout: { http: 504, openaiType: 'timeout_error', openaiCode: 'timeout' },
} as const satisfies Record<string, { http: number; openaiType: string; openaiCode: string | null }>;

export type ErrorCode = keyof typeof ERRORS;
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERRORS, value);

/** Failures that another attempt (another deployment, a later retry) may cure. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'upstream_error',
  'unavailable',
  'timeout',
]);

export interface GatewayErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  /** The request field at fault, as OpenAI's `param`. */
  param?: string;
  provider?: string;
  /** Overrides the table's OpenAI code where a finer one applies (e.g. `context_length_exceeded`). */
  openaiCode?: string;
  cause?: unknown;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;
  readonly provider: string | undefined;
  readonly openaiCode: string | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.provider = options.provider;
    this.openaiCode = options.openaiCode;
  }

  get status(): number {
    return ERRORS[this.code].http;
  }
}

/** Checked by name, not instanceof: errors cross package copies and processes. */
export const isGatewayError = (value: unknown): value is GatewayError =>
  value instanceof Error && value.name === 'GatewayError' && isErrorCode((value as GatewayError).code);

/** Normalises anything thrown into a GatewayError; unknown failures become `internal` with a safe message. */
export function toGatewayError(value: unknown): GatewayError {
  if (isGatewayError(value)) return value;
  if (value instanceof Error && value.name === 'AbortError') {
    return new GatewayError('cancelled', 'The request was cancelled', { cause: value });
  }
  return new GatewayError('internal', 'Internal error', { cause: value });
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function toOpenAIErrorBody(err: GatewayError): OpenAIErrorBody {
  const entry = ERRORS[err.code];
  return {
    error: {
      message: err.message,
      type: entry.openaiType,
      param: err.param ?? null,
      code: err.openaiCode ?? entry.openaiCode,
    },
  };
}

/** Rebuilds a GatewayError from an OpenAI-shaped body and our code, e.g. from an error frame. */
export function fromOpenAIErrorBody(
  code: string | undefined,
  body: unknown,
  retryAfterMs?: number,
): GatewayError {
  const error = (body as Partial<OpenAIErrorBody> | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : 'Unknown error';
  const options: GatewayErrorOptions = {};
  if (typeof error?.param === 'string') options.param = error.param;
  if (typeof error?.code === 'string') options.openaiCode = error.code;
  if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
  return new GatewayError(isErrorCode(code) ? code : 'internal', message, options);
}
