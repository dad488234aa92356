import { ERRORS, GatewayError, type ErrorCode } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { toAnthropicErrorBody } from './errors.js';

describe('toAnthropicErrorBody', () => {
  it.each([
    ['invalid_request', 400, 'invalid_request_error'],
    ['unauthenticated', 401, 'authentication_error'],
    ['forbidden', 403, 'permission_error'],
    ['model_not_found', 404, 'not_found_error'],
    ['not_found', 404, 'not_found_error'],
    ['payload_too_large', 413, 'request_too_large'],
    ['rate_limited', 429, 'rate_limit_error'],
    ['quota_exceeded', 429, 'rate_limit_error'],
    ['internal', 500, 'api_error'],
    ['upstream_error', 502, 'api_error'],
    ['unavailable', 503, 'overloaded_error'],
    ['timeout', 504, 'api_error'],
  ] as const)('%s → %i %s', (code: ErrorCode, status, type) => {
    const err = new GatewayError(code, 'What went wrong.');
    expect(err.status).toBe(status);
    expect(toAnthropicErrorBody(err, 'req-1')).toEqual({
      type: 'error',
      error: { type, message: 'What went wrong.' },
      request_id: 'req-1',
    });
  });

  it('covers every code of the table', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      expect(toAnthropicErrorBody(new GatewayError(code, 'x')).error.type).toMatch(
        /_error$|request_too_large/,
      );
    }
  });
});
