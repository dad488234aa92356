import { describe, expect, it } from 'vitest';
import { answeredResult, assembleOutput, unansweredResult } from './line-result.js';

describe('assembleOutput', () => {
  it('puts 2xx answers in the output file and the rest in the error file, each in input order', () => {
    const results = [
      answeredResult(2, 'c', 'b-c', 200, { ok: 'c' }),
      unansweredResult(3, 'd', 'b-d', 'timeout', 'No answer came before the deadline.'),
      answeredResult(0, 'a', 'b-a', 200, { ok: 'a' }),
      answeredResult(1, 'b', 'b-b', 429, { error: { message: 'slow down' } }),
    ];
    const out = assembleOutput(results);
    const rows = (jsonl: string) =>
      jsonl
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows(out.output).map((r) => r['custom_id'])).toEqual(['a', 'c']);
    expect(rows(out.errors)).toEqual([
      {
        id: 'batch_req_b-b',
        custom_id: 'b',
        response: { status_code: 429, request_id: 'b-b', body: { error: { message: 'slow down' } } },
        error: null,
      },
      {
        id: 'batch_req_b-d',
        custom_id: 'd',
        response: null,
        error: { code: 'timeout', message: 'No answer came before the deadline.' },
      },
    ]);
    expect([out.completed, out.failed]).toEqual([2, 2]);
  });

  it('writes no file text when there is nothing for it', () => {
    expect(assembleOutput([answeredResult(0, 'a', 'r', 200, {})]).errors).toBe('');
  });
});
