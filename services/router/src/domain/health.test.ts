import { describe, expect, it } from 'vitest';
import { createHealth } from './health.js';

const settings = { failures: 3, windowMs: 1_000, durationMs: 5_000 };
const D = 'openai/gpt-4o';

describe('health', () => {
  it('is healthy until N failures fall within the window, then cools down for the duration', () => {
    const health = createHealth(settings);
    health.failed(D, 0);
    health.failed(D, 500);
    expect(health.availability(D, 600)).toBe('healthy');
    health.failed(D, 900);
    expect(health.availability(D, 900)).toBe('cooling');
    expect(health.coolingUntil(D, 900)).toBe(5_900);
    expect(health.availability(D, 5_899)).toBe('cooling');
    expect(health.availability('other', 900)).toBe('healthy');
  });

  it('forgets failures older than the window', () => {
    const health = createHealth(settings);
    health.failed(D, 0);
    health.failed(D, 500);
    health.failed(D, 1_200);
    expect(health.availability(D, 1_200)).toBe('healthy');
    health.failed(D, 1_300);
    expect(health.availability(D, 1_300)).toBe('cooling');
  });

  it('lets one probe through once the cooldown is over; its success closes the circuit', () => {
    const health = createHealth(settings);
    for (const t of [0, 1, 2]) health.failed(D, t);
    expect(health.availability(D, 5_002)).toBe('probe');
    health.sent(D, 5_010);
    expect(health.availability(D, 5_011)).toBe('probing');
    health.succeeded(D, 5_200);
    expect(health.availability(D, 5_200)).toBe('healthy');
    // The failures before the cooldown are forgotten: one more does not reopen it.
    health.failed(D, 5_300);
    expect(health.availability(D, 5_300)).toBe('healthy');
  });

  it('reopens the circuit when the probe fails', () => {
    const health = createHealth(settings);
    for (const t of [0, 1, 2]) health.failed(D, t);
    health.sent(D, 5_010);
    health.failed(D, 5_100);
    expect(health.availability(D, 5_100)).toBe('cooling');
    expect(health.coolingUntil(D, 5_100)).toBe(10_100);
  });

  it('lets another probe go when the first was never heard of again', () => {
    const health = createHealth(settings);
    for (const t of [0, 1, 2]) health.failed(D, t);
    health.sent(D, 5_010);
    expect(health.availability(D, 10_009)).toBe('probing');
    expect(health.availability(D, 10_010)).toBe('probe');
  });

  it('ignores outcomes of requests sent before it opened while it is open', () => {
    const health = createHealth(settings);
    for (const t of [0, 1, 2]) health.failed(D, t);
    health.failed(D, 100);
    health.succeeded(D, 200);
    expect(health.coolingUntil(D, 300)).toBe(5_002);
  });

  it('agrees with another replica fed the same events', () => {
    const one = createHealth(settings);
    const two = createHealth(settings);
    const events: [string, number][] = [
      ['failed', 0],
      ['failed', 10],
      ['failed', 20],
      ['sent', 5_100],
      ['failed', 5_200],
    ];
    for (const [kind, t] of events) {
      for (const h of [one, two]) {
        if (kind === 'failed') h.failed(D, t);
        else h.sent(D, t);
      }
    }
    for (const t of [5_200, 9_000, 10_300]) expect(one.availability(D, t)).toBe(two.availability(D, t));
  });
});
