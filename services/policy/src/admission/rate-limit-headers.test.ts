import { describe, expect, it } from 'vitest';
import { formatResetDuration } from './rate-limit-headers.js';

describe('x-ratelimit-reset-* durations, as OpenAI writes them', () => {
  it.each([
    [0, '0s'],
    [120, '120ms'],
    [999.2, '1s'],
    [1000, '1s'],
    [1500, '1.5s'],
    [6000, '6s'],
    [59_999, '59.999s'],
    [360_000, '6m0s'],
    [90_500, '1m30.5s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
