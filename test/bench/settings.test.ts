import { describe, expect, it } from 'vitest';
import { topFunctions } from '../../bench/profile-top.js';
import { readSettings } from '../../bench/settings.js';

describe('bench settings', () => {
  it('defaults to three 10 s runs and a 10-minute soak', () => {
    expect(readSettings([], {})).toMatchObject({
      runs: 3,
      durationS: 10,
      soakS: 600,
      quick: false,
      fromSource: false,
    });
  });

  it('makes --quick or BENCH_QUICK=1 a short smoke run, still overridable', () => {
    expect(readSettings(['--quick'], {})).toMatchObject({ runs: 1, durationS: 2, soakS: 10 });
    expect(readSettings([], { BENCH_QUICK: '1', BENCH_SOAK_S: '0' })).toMatchObject({
      quick: true,
      soakS: 0,
    });
  });

  it('reads the environment and refuses nonsense', () => {
    const s = readSettings([], { BENCH_RUNS: '5', BENCH_FROM_SOURCE: '1', BENCH_CPU_PROF: 'ingress,router' });
    expect(s).toMatchObject({ runs: 5, fromSource: true, cpuProf: ['ingress', 'router'] });
    expect(readSettings([], { BENCH_CPU_PROF: '1' }).cpuProf).toEqual(['ingress']);
    expect(readSettings([], {}).scenarios).toEqual([]);
    expect(readSettings([], { BENCH_SCENARIOS: 'throughput-64,sequential' }).scenarios).toEqual([
      'throughput-64',
      'sequential',
    ]);
    expect(() => readSettings([], { BENCH_DURATION_S: 'ten' })).toThrow(/BENCH_DURATION_S/);
    expect(readSettings([], { BENCH_TARGETS: 'direct,single', BENCH_SOAK_TARGET: 'single' }).soakTarget).toBe(
      'single',
    );
    expect(() => readSettings([], { BENCH_SOAK_TARGET: 'baseline' })).toThrow(/not a Switchyard target/);
  });
});

describe('profile summary', () => {
  it('ranks functions by self time as shares of busy time, idle left out', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)') },
        { id: 2, callFrame: frame('parse', 'file:///repo/libs/contracts/dist/validate.js') },
        { id: 3, callFrame: frame('append', 'file:///repo/node_modules/@nats-io/nats-core/lib/headers.js') },
      ],
      samples: [1, 2, 3, 2],
      timeDeltas: [5000, 3000, 1000, 3000],
    };
    const { busyMs, idleMs, top } = topFunctions(profile, 10);
    expect({ busyMs, idleMs }).toEqual({ busyMs: 7, idleMs: 5 });
    expect(top.map((l) => l.name)).toEqual([
      'parse libs/contracts/dist/validate.js:1',
      'append @nats-io/nats-core/lib/headers.js:1',
    ]);
    expect(top[0]!.share).toBeCloseTo(6 / 7);
  });
});
