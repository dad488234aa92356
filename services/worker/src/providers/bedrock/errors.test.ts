import { readFileSync } from 'node:fs';
import { toOpenAIErrorBody, type GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { mapBedrockError, mapBedrockStreamException } from './errors.js';

interface Expectation {
  code: string;
  http: number;
  openaiCode?: string;
  message?: string;
  contains?: string;
  never?: string;
  retryable?: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/errors.json', import.meta.url), 'utf8')) as {
  http: {
    name: string;
    status: number;
    headers: Record<string, string>;
    body: unknown;
    expect: Expectation;
  }[];
  stream: { type: string; body: object; expect: Expectation }[];
};

function check(err: GatewayError, expected: Expectation): void {
  expect([err.code, err.status, err.provider]).toEqual([expected.code, expected.http, 'aws']);
  if (expected.openaiCode) expect(toOpenAIErrorBody(err).error.code).toBe(expected.openaiCode);
  if (expected.message) expect(err.message).toBe(expected.message);
  if (expected.contains) expect(err.message).toContain(expected.contains);
  if (expected.never) expect(JSON.stringify(toOpenAIErrorBody(err))).not.toContain(expected.never);
  if (expected.retryable !== undefined) expect(err.retryable).toBe(expected.retryable);
}

describe('mapBedrockError (golden)', () => {
  it.each(fixture.http.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    check(mapBedrockError('aws', { status: c.status, headers: c.headers, body }), c.expect);
  });

  it('takes the wait from retry-after when a proxy sends one', () => {
    const err = mapBedrockError('aws', {
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '3' },
      body: '{"message":"slow down"}',
    });
    expect([err.code, err.retryAfterMs]).toEqual(['rate_limited', 3000]);
  });
});

describe('mapBedrockStreamException (golden)', () => {
  it.each(fixture.stream.map((c) => [c.type, c] as const))('maps %s', (type, c) => {
    check(mapBedrockStreamException('aws', type, JSON.stringify(c.body)), c.expect);
  });
});
