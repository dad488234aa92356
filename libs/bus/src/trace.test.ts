import { describe, expect, it } from 'vitest';
import { isValidTraceparent, newTraceparent, traceIdOf } from './trace.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('newTraceparent', () => {
  it('is a valid, sampled W3C traceparent', () => {
    const tp = newTraceparent();
    expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(isValidTraceparent(tp)).toBe(true);
  });

  it('is fresh every time, in both trace and span id', () => {
    const many = Array.from({ length: 200 }, newTraceparent);
    expect(new Set(many.map(traceIdOf)).size).toBe(200);
    expect(new Set(many.map((tp) => tp.slice(36, 52))).size).toBe(200);
  });
});

describe('isValidTraceparent', () => {
  it('accepts the W3C example, sampled or not', () => {
    expect(isValidTraceparent(VALID)).toBe(true);
    expect(isValidTraceparent(VALID.replace(/-01$/, '-00'))).toBe(true);
  });

  it.each([
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['upper-case hex', VALID.toUpperCase()],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['a long span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b70-01'],
    ['non-hex characters', '00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01'],
    ['the forbidden version ff', VALID.replace(/^00/, 'ff')],
    ['an unknown version with the 00 layout', VALID.replace(/^00/, '01')],
    ['missing flags', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7'],
    ['surrounding whitespace', ` ${VALID} `],
    ['trailing data', `${VALID}-extra`],
    ['an empty string', ''],
    ['undefined', undefined],
  ])('rejects %s', (_, value) => {
    expect(isValidTraceparent(value)).toBe(false);
  });
});

describe('traceIdOf', () => {
  it('gives the trace id of a valid traceparent', () => {
    expect(traceIdOf(VALID)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('gives nothing for an invalid or absent one', () => {
    expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf('garbage')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});
