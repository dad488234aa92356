import { describe, expect, it } from 'vitest';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { mapConnectionError, mapOpenAIError, readRetryAfterMs } from './errors.js';

const fail = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  mapOpenAIError('acme', { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers });
const openAIError = (message: string, code: string | null = null, param: string | null = null) => ({
  error: { message, type: 'invalid_request_error', param, code },
});

describe('mapOpenAIError', () => {
  it('keeps the message, code and param of a 400, context_length_exceeded included', () => {
    const err = fail(
      400,
      openAIError(
        "This model's maximum context length is 8192 tokens.",
        'context_length_exceeded',
        'messages',
      ),
    );
    expect([err.code, err.status, err.provider, err.retryable]).toEqual([
      'invalid_request',
      400,
      'acme',
      false,
    ]);
    expect(toOpenAIErrorBody(err).error).toEqual({
      message: "This model's maximum context length is 8192 tokens.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    });
  });

  it.each([401, 403])(
    'blames the gateway credentials on %i and never repeats the upstream text',
    (status) => {
      const err = fail(status, openAIError('Incorrect API key provided: sk-abc***wxyz.', 'invalid_api_key'));
      expect([err.code, err.status]).toEqual(['upstream_error', 502]);
      expect(err.message).toContain("acme rejected the gateway's credentials");
      expect(err.message).not.toContain('sk-');
    },
  );

  it.each([
    [404, 'model_not_found', 404],
    [408, 'timeout', 504],
    [504, 'timeout', 504],
    [500, 'upstream_error', 502],
    [502, 'upstream_error', 502],
    [503, 'unavailable', 503],
    [413, 'payload_too_large', 413],
  ])('maps %i to %s (HTTP %i to the caller)', (status, code, http) => {
    const err = fail(status, openAIError('upstream says no'));
    expect([err.code, err.status, err.provider]).toEqual([code, http, 'acme']);
  });

  it('maps 429 to rate_limited with the wait from retry-after, in our words', () => {
    const err = fail(
      429,
      openAIError('Rate limit reached for gpt-4o in organization org-secret.', 'rate_limit_exceeded'),
      {
        'retry-after': '2',
      },
    );
    expect([err.code, err.status, err.retryAfterMs, err.retryable]).toEqual([
      'rate_limited',
      429,
      2000,
      true,
    ]);
    expect(err.message).not.toContain('org-secret');
  });

  it('treats an exhausted provider account as the gateway operator’s problem, not a wait', () => {
    const err = fail(429, {
      error: {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    });
    expect(err.code).toBe('upstream_error');
  });

  it('handles error bodies that are not JSON', () => {
    const err = fail(502, '<html><body>\n  502 Bad Gateway\n</body></html>');
    expect(err.code).toBe('upstream_error');
    expect(err.message).toBe('Provider acme failed (HTTP 502): <html><body> 502 Bad Gateway </body></html>');
    expect(fail(400, '').message).toBe('Provider acme rejected the request.');
  });
});

describe('readRetryAfterMs', () => {
  const at = (headers: Record<string, string>) =>
    readRetryAfterMs({ status: 429, body: '', headers }, 1_000_000);
  it('prefers retry-after-ms, then retry-after seconds or date', () => {
    expect(at({ 'retry-after-ms': '350', 'retry-after': '9' })).toBe(350);
    expect(at({ 'retry-after': '1.5' })).toBe(1500);
    expect(at({ 'retry-after': new Date(1_000_000 + 3_000).toUTCString() })).toBe(3000);
    expect(at({ 'retry-after': 'soon' })).toBeUndefined();
    expect(at({})).toBeUndefined();
  });
});

describe('mapConnectionError', () => {
  const withCode = (code: string): Error =>
    Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET'])(
    'maps %s to unavailable naming the provider',
    (code) => {
      const err = mapConnectionError('acme', withCode(code));
      expect([err?.code, err?.status, err?.message]).toEqual([
        'unavailable',
        503,
        `Could not reach provider acme (${code}).`,
      ]);
    },
  );

  it('finds the code inside an AggregateError of parallel connects', () => {
    const err = mapConnectionError('acme', new AggregateError([withCode('ECONNREFUSED')], 'all failed'));
    expect(err?.code).toBe('unavailable');
  });

  it('leaves other failures alone', () => {
    expect(mapConnectionError('acme', new Error('boom'))).toBeUndefined();
  });
});
