import { GatewayError, isGatewayError, toGatewayError } from '@switchyard/contracts';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Any failure while answering HTTP, as a GatewayError. Fastify's own client errors (body too
 * large, bad content type or length) keep their safe message; anything else unknown becomes
 * `internal` with a message that reveals nothing.
 */
export function toHttpError(error: unknown, bodyLimitBytes: number): GatewayError {
  if (isGatewayError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return new GatewayError(
      'payload_too_large',
      `The request body is too large: the limit is ${bodyLimitBytes} bytes.`,
      { cause: error },
    );
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (status >= 400 && status < 500 && typeof e.message === 'string' && typeof e.code === 'string') {
    return new GatewayError('invalid_request', e.message, { cause: error });
  }
  return toGatewayError(error);
}
