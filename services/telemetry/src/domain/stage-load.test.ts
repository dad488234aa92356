import { describe, expect, it } from 'vitest';
import { createStageLoad } from './stage-load.js';

describe('stage load', () => {
  it('sums the live instances of each stage and forgets the silent and the leaving', () => {
    const load = createStageLoad();
    load.heard({ instance: 'a', stages: ['policy', 'cache'], load: { policy: 2, cache: 1 } }, 0);
    load.heard({ instance: 'b', stages: ['policy'], load: { policy: 5 } }, 1_000);
    expect(load.totals(1_000)).toEqual(
      new Map([
        ['policy', 7],
        ['cache', 1],
      ]),
    );
    // a stops beating: 3.5 s later only b counts.
    expect(load.totals(4_000)).toEqual(
      new Map([
        ['policy', 5],
        ['cache', 0],
      ]),
    );
    load.heard({ instance: 'b', stages: ['policy'], leaving: true }, 4_100);
    expect(load.totals(4_100).get('policy')).toBe(0);
  });

  it('ignores a heartbeat without a load (a stage that reports none)', () => {
    const load = createStageLoad();
    load.heard({ instance: 'a', stages: ['router'] }, 0);
    expect(load.totals(0).get('router')).toBe(0);
  });
});
