import { describe, expect, it } from 'vitest';
import { parseBatchInput } from './parse-input.js';

const line = (custom_id: string, extra: object = {}) =>
  JSON.stringify({
    custom_id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    ...extra,
  });

describe('parseBatchInput', () => {
  it('reads every line in file order, skipping blank lines', () => {
    const parsed = parseBatchInput(`${line('b')}\n\n${line('a')}\r\n`, '/v1/chat/completions', 10);
    expect(parsed).toMatchObject({
      ok: true,
      lines: [
        { custom_id: 'b', line: 0 },
        { custom_id: 'a', line: 1 },
      ],
    });
  });

  it('refuses the file over any bad line, numbering lines from 1 as OpenAI does', () => {
    const text = [
      line('a'),
      'not json',
      line('a'),
      line('c', { method: 'GET' }),
      line('d', { url: '/v1/embeddings' }),
      line('e', { body: { model: 'm', stream: true } }),
    ].join('\n');
    const parsed = parseBatchInput(text, '/v1/chat/completions', 10);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => [e.code, e.line, e.param])).toEqual([
      ['invalid_json_line', 2, null],
      ['duplicate_custom_id', 3, 'custom_id'],
      ['invalid_request', 4, 'method'],
      ['mismatched_endpoint', 5, 'url'],
      ['invalid_request', 6, 'body.stream'],
    ]);
  });

  it('refuses an empty file and one over the request limit', () => {
    expect(parseBatchInput('\n', '/v1/embeddings', 10)).toMatchObject({
      ok: false,
      errors: [{ code: 'empty_file' }],
    });
    const three = [line('a'), line('b'), line('c')].join('\n');
    expect(parseBatchInput(three, '/v1/chat/completions', 2)).toMatchObject({
      ok: false,
      errors: [{ code: 'too_many_requests' }],
    });
  });
});
