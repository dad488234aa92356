import { describe, expect, it } from 'vitest';
import { abortCauseOf } from './call-aborted.js';
import { createInFlight } from './in-flight.js';

describe('in-flight calls', () => {
  it('aborts every call of a cancelled request, and only those', () => {
    const inFlight = createInFlight();
    const [a1, a2, b] = [new AbortController(), new AbortController(), new AbortController()];
    inFlight.track('a', a1);
    inFlight.track('a', a2);
    inFlight.track('b', b);
    expect(inFlight.abort('a', 'cancelled')).toBe(2);
    expect([abortCauseOf(a1.signal), abortCauseOf(a2.signal), abortCauseOf(b.signal)]).toEqual([
      'cancelled',
      'cancelled',
      undefined,
    ]);
  });

  it('forgets finished calls, so a late cancel aborts nothing', () => {
    const inFlight = createInFlight();
    const c = new AbortController();
    const untrack = inFlight.track('a', c);
    untrack();
    expect(inFlight.abort('a', 'cancelled')).toBe(0);
    expect(c.signal.aborted).toBe(false);
    expect(inFlight.size).toBe(0);
  });

  it('aborts everything on shutdown', () => {
    const inFlight = createInFlight();
    const c = new AbortController();
    inFlight.track('x', c);
    inFlight.abortAll('shutdown');
    expect(abortCauseOf(c.signal)).toBe('shutdown');
  });
});
