import { describe, expect, it } from 'vitest';
import { parseUpstreamJson, parseUpstreamObject } from './upstream-json.js';
import { refusal } from '../test-support/golden.js';

describe('parseUpstreamJson and parseUpstreamObject', () => {
  it('read JSON, and an object where one is wanted', () => {
    expect(parseUpstreamJson('[1]', 'acme')).toEqual([1]);
    expect(parseUpstreamObject('{"a":1}', 'acme')).toEqual({ a: 1 });
  });

  it('call text that is not JSON an upstream error, with the cause', () => {
    for (const parse of [parseUpstreamJson, parseUpstreamObject]) {
      const err = refusal(() => parse('<html>', 'acme'));
      expect(err).toMatchObject({ code: 'upstream_error', provider: 'acme' });
      expect((err as Error).message).toBe('Provider acme sent an answer that is not valid JSON.');
      expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('call JSON that is not an object an upstream error where an object is wanted', () => {
    for (const text of ['[1]', '"a"', 'null']) {
      const err = refusal(() => parseUpstreamObject(text, 'acme'));
      expect(err).toMatchObject({ code: 'upstream_error', provider: 'acme' });
      expect((err as Error).message).toBe('Provider acme sent an answer that is not a JSON object.');
    }
  });
});
