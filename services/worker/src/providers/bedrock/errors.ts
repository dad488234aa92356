import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { readRetryAfterMs } from '../openai-compatible/errors.js';

/** What Bedrock said: its exception name (`ThrottlingException`) and message, never trusted to be there. */
interface BedrockSaid {
  type: string | undefined;
  message: string | undefined;
}

interface ErrorContext {
  providerId: string;
  said: BedrockSaid;
  failure?: UpstreamFailure;
}

const MAX_TEXT = 300;

const make = (ctx: ErrorContext, code: ErrorCode, message: string, options: GatewayErrorOptions = {}) =>
  new GatewayError(code, message, { ...options, provider: ctx.providerId });

const saidText = ({ said }: ErrorContext): string => (said.message ? `: ${said.message}` : '');

// Bedrock words "prompt too long" differently per model family; each of these means the context.
const CONTEXT_TOO_LONG =
  /(input|prompt) is too long|too long for (the )?requested model|maximum context length|context window|input tokens exceeded|number of input tokens exceeds/i;

function invalidRequest(ctx: ErrorContext): GatewayError {
  const message = ctx.said.message ?? `Provider ${ctx.providerId} rejected the request.`;
  return make(
    ctx,
    'invalid_request',
    message,
    CONTEXT_TOO_LONG.test(message) ? { openaiCode: 'context_length_exceeded' } : {},
  );
}

// The upstream text of an auth failure can name the gateway's key id: it is never repeated.
const badCredentials = (ctx: ErrorContext): GatewayError =>
  make(
    ctx,
    'upstream_error',
    `Provider ${ctx.providerId} rejected the gateway's AWS credentials (${ctx.said.type ?? 'HTTP 403'}). ` +
      'An operator must check its access_key_id, secret_access_key and session_token.',
  );

function rateLimited(ctx: ErrorContext): GatewayError {
  const retryAfterMs = ctx.failure && readRetryAfterMs(ctx.failure);
  const wait = retryAfterMs === undefined ? '' : ` Please try again in ${Math.ceil(retryAfterMs / 1000)}s.`;
  return make(
    ctx,
    'rate_limited',
    `Provider ${ctx.providerId} is throttling requests.${wait}`,
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );
}

/**
 * Bedrock's exception name → the gateway's error. One table for HTTP answers (`x-amzn-errortype`)
 * and in-stream exceptions (`:exception-type`), which name the same exceptions in lowerCamelCase.
 */
const BY_TYPE: Readonly<Record<string, (ctx: ErrorContext) => GatewayError>> = {
  ValidationException: invalidRequest,
  ConflictException: invalidRequest,
  AccessDeniedException: (ctx) =>
    make(
      ctx,
      'upstream_error',
      `Provider ${ctx.providerId} denied the gateway access to this model (AccessDeniedException). An operator ` +
        'must grant its AWS identity bedrock:InvokeModel on the model and enable model access in the region.',
    ),
  UnrecognizedClientException: badCredentials,
  InvalidSignatureException: badCredentials,
  IncompleteSignatureException: badCredentials,
  MissingAuthenticationTokenException: badCredentials,
  ExpiredTokenException: badCredentials,
  ResourceNotFoundException: (ctx) =>
    make(
      ctx,
      'model_not_found',
      ctx.said.message ?? `Provider ${ctx.providerId} does not serve the requested model.`,
    ),
  ThrottlingException: rateLimited,
  // The gateway's AWS account is over a quota: the operator's problem, worded by us.
  ServiceQuotaExceededException: (ctx) =>
    make(
      ctx,
      'upstream_error',
      `Provider ${ctx.providerId} reports that the gateway's AWS account exceeded a service quota.`,
    ),
  // A model Bedrock is still loading: nothing the caller did, worth another try shortly.
  ModelNotReadyException: (ctx) =>
    make(ctx, 'unavailable', `Provider ${ctx.providerId}: the model is not ready yet${saidText(ctx)}`),
  ModelTimeoutException: (ctx) =>
    make(ctx, 'timeout', `Provider ${ctx.providerId}: the model timed out${saidText(ctx)}`),
  ModelErrorException: (ctx) =>
    make(ctx, 'upstream_error', `Provider ${ctx.providerId}: the model failed${saidText(ctx)}`),
  ModelStreamErrorException: (ctx) =>
    make(ctx, 'upstream_error', `Provider ${ctx.providerId} failed while streaming${saidText(ctx)}`),
  InternalServerException: (ctx) =>
    make(
      ctx,
      'upstream_error',
      `Provider ${ctx.providerId} failed (InternalServerException)${saidText(ctx)}`,
    ),
  ServiceUnavailableException: (ctx) =>
    make(ctx, 'unavailable', `Provider ${ctx.providerId} is unavailable${saidText(ctx)}`),
};

/** When the exception name is missing or new: by HTTP status, as any REST API. */
function byStatus(ctx: ErrorContext, status: number): GatewayError {
  if (status === 400 || status === 422) return invalidRequest(ctx);
  if (status === 401 || status === 403) return badCredentials(ctx);
  if (status === 404) return BY_TYPE['ResourceNotFoundException']!(ctx);
  if (status === 408 || status === 504)
    return make(ctx, 'timeout', `Provider ${ctx.providerId} timed out (HTTP ${status}).`);
  if (status === 413)
    return make(ctx, 'payload_too_large', ctx.said.message ?? 'The request is too large for Bedrock.');
  if (status === 429) return rateLimited(ctx);
  if (status === 503)
    return make(ctx, 'unavailable', `Provider ${ctx.providerId} is unavailable (HTTP 503)${saidText(ctx)}`);
  return make(ctx, 'upstream_error', `Provider ${ctx.providerId} failed (HTTP ${status})${saidText(ctx)}`);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** `{message}` (or `Message`) of a JSON error body, or the first words of one that is not JSON. */
function readMessage(body: string): { message: string | undefined; type: string | undefined } {
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json)) {
      return {
        message: str(json['message']) ?? str(json['Message']),
        type: str(json['__type']) ?? str(json['code']),
      };
    }
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return { message: text ? text.slice(0, MAX_TEXT) : undefined, type: undefined };
}

/** `ThrottlingException:http://internal.amazon.com/coral/…` or `com.amazon.coral#ThrottlingException` → `ThrottlingException`. */
const exceptionName = (raw: string | undefined): string | undefined => {
  const name = raw?.split(':')[0]?.split('#').at(-1)?.trim();
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : undefined;
};

/** A non-2xx Bedrock answer as the gateway's error, by its exception name, else by status. */
export function mapBedrockError(providerId: string, failure: UpstreamFailure): GatewayError {
  const header = failure.headers['x-amzn-errortype'];
  const read = readMessage(failure.body);
  const type = exceptionName(Array.isArray(header) ? header[0] : header) ?? exceptionName(read.type);
  const ctx: ErrorContext = { providerId, said: { type, message: read.message }, failure };
  const mapper = type === undefined ? undefined : BY_TYPE[type];
  return mapper ? mapper(ctx) : byStatus(ctx, failure.status);
}

/**
 * An exception inside a 200 stream (`:exception-type` `throttlingException`, …) as the gateway's
 * error; an unknown one is the provider failing.
 */
export function mapBedrockStreamException(providerId: string, type: string, body: string): GatewayError {
  const name = exceptionName(type);
  const ctx: ErrorContext = { providerId, said: { type: name, message: readMessage(body).message } };
  const mapper = name === undefined ? undefined : BY_TYPE[name];
  return mapper
    ? mapper(ctx)
    : make(ctx, 'upstream_error', `Provider ${providerId} failed while streaming (${type})${saidText(ctx)}`);
}
