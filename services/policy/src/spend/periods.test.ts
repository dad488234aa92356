import { describe, expect, it } from 'vitest';
import { periodOf } from './periods.js';

describe('budget periods (UTC)', () => {
  const lastSecondOfJanuary = Date.parse('2025-01-31T23:59:59.999Z');

  it('names a day and says when the next one starts', () => {
    expect(periodOf('daily', lastSecondOfJanuary)).toEqual({
      id: '2025-01-31',
      resetsAt: Date.parse('2025-02-01T00:00:00Z'),
    });
  });

  it('names a calendar month, across a year end', () => {
    expect(periodOf('monthly', lastSecondOfJanuary).id).toBe('2025-01');
    expect(periodOf('monthly', Date.parse('2024-12-15T12:00:00Z'))).toEqual({
      id: '2024-12',
      resetsAt: Date.parse('2025-01-01T00:00:00Z'),
    });
  });

  it('has one total period that never resets', () => {
    expect(periodOf('total', lastSecondOfJanuary)).toEqual({ id: 'total' });
  });
});
