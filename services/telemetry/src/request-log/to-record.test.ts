import { RequestLogQuery, type RequestCompleted } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { matchesQuery, toRequestRecord } from './to-record.js';

const event: RequestCompleted = {
  request_id: 'r1',
  op: 'chat.completions',
  model: 'gpt-4o',
  key_id: 'app',
  team: 'search',
  provider: 'openai',
  deployment: 'openai/gpt-4o',
  upstream_model: 'gpt-4o-2024-08-06',
  stream: true,
  status: 200,
  received_at: 1_000,
  duration_ms: 120,
  ttft_ms: 40,
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cached_tokens: 4 },
  cost_usd: 0.0001,
  attempt: 2,
  trace_id: '0af7651916cd43dd8448eb211c80319c',
};

describe('toRequestRecord', () => {
  it('keeps who, what and how it ended, with attempts for the attempt number', () => {
    const { attempt: _attempt, ...rest } = event;
    expect(toRequestRecord(event)).toEqual({ ...rest, attempts: 2 });
  });

  it('copies named fields only: whatever else an event carries stays out of the log', () => {
    const withPrompt = { ...event, messages: [{ role: 'user', content: 'secret' }] } as RequestCompleted;
    expect(JSON.stringify(toRequestRecord(withPrompt))).not.toContain('secret');
  });

  it('leaves out what the event does not say', () => {
    const record = toRequestRecord({
      request_id: 'r2',
      op: 'models',
      stream: false,
      status: 401,
      received_at: 5,
      duration_ms: 1,
    });
    expect(Object.keys(record).sort()).toEqual(
      ['duration_ms', 'op', 'received_at', 'request_id', 'status', 'stream'].sort(),
    );
  });
});

describe('matchesQuery', () => {
  const record = toRequestRecord(event);
  const q = (filters: Record<string, unknown>) => RequestLogQuery.parse(filters);

  it('combines every filter with AND', () => {
    expect(matchesQuery(record, q({}))).toBe(true);
    expect(matchesQuery(record, q({ key_id: 'app', team: 'search', model: 'gpt-4o' }))).toBe(true);
    expect(matchesQuery(record, q({ key_id: 'app', team: 'ads' }))).toBe(false);
    expect(matchesQuery(record, q({ model: 'gpt-4o-mini' }))).toBe(false);
  });

  it('matches a status exactly or by class', () => {
    expect(matchesQuery(record, q({ status: '200' }))).toBe(true);
    expect(matchesQuery(record, q({ status: '2xx' }))).toBe(true);
    expect(matchesQuery(record, q({ status: '5xx' }))).toBe(false);
    expect(matchesQuery(record, q({ status: '201' }))).toBe(false);
  });

  it('takes since inclusive and until exclusive, on the time the request was received', () => {
    expect(matchesQuery(record, q({ since: 1_000 }))).toBe(true);
    expect(matchesQuery(record, q({ since: 1_001 }))).toBe(false);
    expect(matchesQuery(record, q({ until: 1_000 }))).toBe(false);
    expect(matchesQuery(record, q({ until: 1_001 }))).toBe(true);
  });
});
