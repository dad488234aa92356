import { UsageQuery, type RequestCompleted } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { encodeDims, queryDays, toUsageEntry, usageRows } from './usage.js';

const DAY = 86_400_000;
const jan15 = Date.UTC(2026, 0, 15, 12);

describe('queryDays', () => {
  it('covers the UTC days from since to until, both included', () => {
    expect(queryDays({ since: jan15, until: jan15 + 2 * DAY - 13 * 3_600_000 }, 0)).toEqual([
      '2026-01-15',
      '2026-01-16',
    ]);
  });

  it('defaults to the last 30 days and refuses a range past the retention', () => {
    const days = queryDays({}, jan15);
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toBe('2026-01-15');
    expect(() => queryDays({ since: 0 }, jan15)).toThrow(/at most 400 days/);
    expect(() => queryDays({ since: jan15 + DAY, until: jan15 }, 0)).toThrow(/after until/);
  });
});

describe('usageRows', () => {
  const event = (over: Partial<RequestCompleted>): RequestCompleted => ({
    request_id: 'r',
    op: 'chat.completions',
    stream: false,
    status: 200,
    received_at: jan15,
    duration_ms: 1,
    ...over,
  });

  it('sums the groups that pass the filters, per day and group value', () => {
    const a = toUsageEntry(event({ key_id: 'a', team: 't', cost_usd: 0.1 }), 'm1', 'x');
    const b = toUsageEntry(event({ key_id: 'b', team: 't', cost_usd: 0.2 }), 'm2', 'x');
    const days = [
      {
        day: '2026-01-15',
        groups: new Map([
          [encodeDims(a.dims), a.counters],
          [encodeDims(b.dims), b.counters],
        ]),
      },
    ];
    const q = (filters: Record<string, unknown>) => UsageQuery.parse(filters);
    expect(usageRows(days, q({ group_by: 'team' }))).toEqual([
      expect.objectContaining({
        day: '2026-01-15',
        team: 't',
        requests: 2,
        cost_usd: expect.closeTo(0.3, 12),
      }),
    ]);
    expect(usageRows(days, q({ group_by: 'key', model: 'm2' })).map((r) => r.key_id)).toEqual(['b']);
  });

  it('counts an unnamed key as null, an error as an error, and money in exact nano-dollars', () => {
    const e = toUsageEntry(event({ status: 401, request_id: 'unknown' }), 'unknown', 'seq:9');
    expect(e.id).toBe('seq:9');
    expect(e.dims).toEqual([null, null, 'unknown']);
    expect(e.counters).toMatchObject({ requests: 1, errors: 1, cost_nusd: 0 });
    expect(toUsageEntry(event({ cost_usd: 0.000_000_5 }), 'm', 'x').counters.cost_nusd).toBe(500);
  });
});
