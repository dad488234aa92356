import { isGatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { resolveDeadline, resolveRequestId } from './request-meta.js';

describe('resolveDeadline', () => {
  it('gives the server timeout when the caller asks for none', () => {
    expect(resolveDeadline(1_000, 600_000, undefined)).toBe(601_000);
  });

  it('lets the caller shorten the timeout but never lengthen it', () => {
    expect(resolveDeadline(1_000, 600_000, '5000')).toBe(6_000);
    expect(resolveDeadline(1_000, 600_000, '9999999')).toBe(601_000);
  });

  it.each(['abc', '0', '-5', '1.5', ''])('refuses the malformed timeout %j with a 400', (value) => {
    try {
      resolveDeadline(1_000, 600_000, value);
      expect.unreachable();
    } catch (err) {
      expect(isGatewayError(err) && err.status).toBe(400);
      expect((err as Error).message).toContain('x-switchyard-timeout-ms');
    }
  });
});

describe('resolveRequestId', () => {
  const generate = () => 'generated';

  it("keeps the caller's id so both sides log the same one", () => {
    expect(resolveRequestId('job-42:item-7', generate)).toBe('job-42:item-7');
  });

  it('generates one when the caller sent none or an unsafe one', () => {
    expect(resolveRequestId(undefined, generate)).toBe('generated');
    expect(resolveRequestId('has spaces\r\nInjected: 1', generate)).toBe('generated');
    expect(resolveRequestId('x'.repeat(129), generate)).toBe('generated');
  });
});
