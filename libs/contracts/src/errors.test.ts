import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  ERRORS,
  GatewayError,
  fromOpenAIErrorBody,
  isErrorCode,
  isGatewayError,
  toGatewayError,
  toOpenAIErrorBody,
  type ErrorCode,
} from './errors.js';

/** What a client sees for each code: HTTP status and OpenAI error `type`, as OpenAI's SDKs read them. */
const EXPECTED: Record<ErrorCode, { http: number; type: string }> = {
  invalid_request: { http: 400, type: 'invalid_request_error' },
  unauthenticated: { http: 401, type: 'invalid_request_error' },
  forbidden: { http: 403, type: 'permission_error' },
  model_not_found: { http: 404, type: 'invalid_request_error' },
  not_found: { http: 404, type: 'invalid_request_error' },
  conflict: { http: 409, type: 'invalid_request_error' },
  payload_too_large: { http: 413, type: 'invalid_request_error' },
  rate_limited: { http: 429, type: 'rate_limit_error' },
  quota_exceeded: { http: 429, type: 'insufficient_quota' },
  cancelled: { http: 499, type: 'invalid_request_error' },
  internal: { http: 500, type: 'server_error' },
  upstream_error: { http: 502, type: 'server_error' },
  unavailable: { http: 503, type: 'server_error' },
  timeout: { http: 504, type: 'timeout_error' },
};

describe('ERRORS table', () => {
  it('has exactly the documented codes', () => {
    expect(Object.keys(ERRORS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s answers HTTP %o with the OpenAI type', (code, expected) => {
    const err = new GatewayError(code as ErrorCode, 'boom');
    expect(err.status).toBe(expected.http);
    expect(toOpenAIErrorBody(err).error.type).toBe(expected.type);
  });

  it('the key error OpenAI codes match what OpenAI sends', () => {
    const code = (c: ErrorCode) => toOpenAIErrorBody(new GatewayError(c, 'x')).error.code;
    expect(code('unauthenticated')).toBe('invalid_api_key');
    expect(code('model_not_found')).toBe('model_not_found');
    expect(code('rate_limited')).toBe('rate_limit_exceeded');
    expect(code('quota_exceeded')).toBe('insufficient_quota');
    expect(code('invalid_request')).toBeNull();
  });

  it('isErrorCode accepts table codes only, not inherited object keys', () => {
    expect(isErrorCode('timeout')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('constructor')).toBe(false);
    expect(isErrorCode('Timeout')).toBe(false);
    expect(isErrorCode(504)).toBe(false);
  });
});

describe('GatewayError', () => {
  it('is retryable by default only for failures another attempt may cure', () => {
    const retryable = (Object.keys(ERRORS) as ErrorCode[]).filter((c) => new GatewayError(c, 'x').retryable);
    expect(retryable.sort()).toEqual(['rate_limited', 'timeout', 'unavailable', 'upstream_error']);
  });

  it('lets the thrower override retryable either way', () => {
    expect(new GatewayError('upstream_error', 'x', { retryable: false }).retryable).toBe(false);
    expect(new GatewayError('internal', 'x', { retryable: true }).retryable).toBe(true);
  });

  it('keeps its options and chains the cause', () => {
    const cause = new Error('socket hang up');
    const err = new GatewayError('rate_limited', 'Slow down', {
      retryAfterMs: 1500,
      provider: 'openai',
      param: 'model',
      cause,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('GatewayError');
    expect(err.message).toBe('Slow down');
    expect(err.retryAfterMs).toBe(1500);
    expect(err.provider).toBe('openai');
    expect(err.param).toBe('model');
    expect(err.cause).toBe(cause);
  });
});

describe('toOpenAIErrorBody', () => {
  it('has the OpenAI shape with param and code null when not given', () => {
    expect(toOpenAIErrorBody(new GatewayError('internal', 'Internal error'))).toEqual({
      error: { message: 'Internal error', type: 'server_error', param: null, code: 'internal_error' },
    });
  });

  it('carries the param and a finer OpenAI code when given', () => {
    const err = new GatewayError('invalid_request', 'Too long', {
      param: 'messages',
      openaiCode: 'context_length_exceeded',
    });
    expect(toOpenAIErrorBody(err)).toEqual({
      error: {
        message: 'Too long',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
  });

  it('never leaks the cause or provider into the body', () => {
    const err = new GatewayError('upstream_error', 'Upstream failed', {
      cause: new Error('sk-secret in url'),
      provider: 'openai',
    });
    const text = JSON.stringify(toOpenAIErrorBody(err));
    expect(text).not.toContain('sk-secret');
    expect(Object.keys(toOpenAIErrorBody(err).error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });
});

describe('isGatewayError', () => {
  it('recognises by name and code, so a copy from another package version counts', () => {
    const foreign = Object.assign(new Error('x'), { name: 'GatewayError', code: 'timeout' });
    expect(isGatewayError(foreign)).toBe(true);
    expect(isGatewayError(new GatewayError('timeout', 'x'))).toBe(true);
  });

  it('rejects look-alikes with an unknown code, plain errors and non-errors', () => {
    expect(isGatewayError(Object.assign(new Error('x'), { name: 'GatewayError', code: 'nope' }))).toBe(false);
    expect(isGatewayError(new Error('x'))).toBe(false);
    expect(isGatewayError({ name: 'GatewayError', code: 'timeout', message: 'x' })).toBe(false);
    expect(isGatewayError(undefined)).toBe(false);
  });
});

describe('toGatewayError', () => {
  it('returns a GatewayError unchanged', () => {
    const err = new GatewayError('forbidden', 'no');
    expect(toGatewayError(err)).toBe(err);
  });

  it.each([
    ['an Error', new Error('ECONNREFUSED 10.0.0.7:5432 password=hunter2')],
    ['a string', 'password=hunter2'],
    ['an object', { secret: 'password=hunter2' }],
    ['null', null],
    ['undefined', undefined],
  ])('turns %s into internal with a safe message, keeping it as the cause', (_, value) => {
    const err = toGatewayError(value);
    expect(err.code).toBe('internal');
    expect(err.status).toBe(500);
    expect(err.message).toBe('Internal error');
    expect(err.message).not.toContain('hunter2');
    expect(err.cause).toBe(value);
    expect(err.retryable).toBe(false);
  });

  it('turns an AbortError into cancelled (499)', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const err = toGatewayError(abort);
    expect(err.code).toBe('cancelled');
    expect(err.status).toBe(499);
    expect(err.cause).toBe(abort);
  });

  it('turns what Node throws for an aborted signal into cancelled', async () => {
    const thrown = await sleep(10_000, undefined, { signal: AbortSignal.abort() }).catch(
      (err: unknown) => err,
    );
    expect(toGatewayError(thrown).code).toBe('cancelled');
    expect(toGatewayError(AbortSignal.abort().reason).code).toBe('cancelled');
  });
});

describe('fromOpenAIErrorBody', () => {
  it('round-trips a GatewayError through its OpenAI body and code', () => {
    const original = new GatewayError('rate_limited', 'Rate limit reached', {
      param: 'model',
      openaiCode: 'tokens',
      retryAfterMs: 2000,
    });
    const back = fromOpenAIErrorBody(original.code, toOpenAIErrorBody(original), original.retryAfterMs);
    expect(back.code).toBe('rate_limited');
    expect(back.status).toBe(429);
    expect(back.message).toBe('Rate limit reached');
    expect(back.param).toBe('model');
    expect(back.retryAfterMs).toBe(2000);
    expect(back.retryable).toBe(true);
    expect(toOpenAIErrorBody(back)).toEqual(toOpenAIErrorBody(original));
  });

  it('falls back to internal for an unknown code and a safe message for a body without one', () => {
    const err = fromOpenAIErrorBody('teapot', { nope: true });
    expect(err.code).toBe('internal');
    expect(err.message).toBe('Unknown error');
    expect(err.param).toBeUndefined();
    expect(fromOpenAIErrorBody(undefined, undefined).code).toBe('internal');
    expect(fromOpenAIErrorBody('timeout', null).message).toBe('Unknown error');
  });

  it('ignores non-string param and code', () => {
    const err = fromOpenAIErrorBody('invalid_request', { error: { message: 'bad', param: 3, code: {} } });
    expect(err.param).toBeUndefined();
    expect(toOpenAIErrorBody(err).error.code).toBeNull();
  });
});
