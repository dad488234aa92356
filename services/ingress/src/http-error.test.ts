import { GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { toHttpError } from './http-error.js';

const fastifyError = (code: string, statusCode: number, message: string): Error =>
  Object.assign(new Error(message), { code, statusCode });

describe('toHttpError', () => {
  it('keeps a GatewayError as it is', () => {
    const err = new GatewayError('rate_limited', 'slow down');
    expect(toHttpError(err, 1024)).toBe(err);
  });

  it('turns fastify’s body-too-large into a 413 naming the limit', () => {
    const err = toHttpError(
      fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
      4096,
    );
    expect(err).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(err.message).toContain('4096 bytes');
  });

  it('keeps the message of fastify’s other client errors, as a 400', () => {
    const err = toHttpError(
      fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type'),
      4096,
    );
    expect(err).toMatchObject({ code: 'invalid_request', status: 400, message: 'Unsupported Media Type' });
  });

  it('hides the text of unexpected failures behind a 500', () => {
    const err = toHttpError(new Error('ECONNREFUSED 10.0.0.7:6379 password=hunter2'), 4096);
    expect(err).toMatchObject({ code: 'internal', status: 500 });
    expect(err.message).not.toContain('hunter2');
  });
});
