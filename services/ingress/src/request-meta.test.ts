import { describe, expect, it } from 'vitest';
import { authorizationOf, deadlineOf, readHttpMeta } from './request-meta.js';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('authorizationOf', () => {
  it('passes an OpenAI-style bearer key on, whatever the scheme’s case', () => {
    expect(authorizationOf({ authorization: 'Bearer sk-1' })).toBe('Bearer sk-1');
    expect(authorizationOf({ authorization: 'bearer   sk-2 ' })).toBe('Bearer sk-2');
  });

  it('turns an Anthropic-style x-api-key into a bearer key', () => {
    expect(authorizationOf({ 'x-api-key': ' sk-3 ' })).toBe('Bearer sk-3');
  });

  it('counts an empty header or another scheme as no key', () => {
    expect(authorizationOf({ authorization: '' })).toBeUndefined();
    expect(authorizationOf({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(authorizationOf({ 'x-api-key': '' })).toBeUndefined();
    expect(authorizationOf({})).toBeUndefined();
  });
});

describe('deadlineOf', () => {
  it('is the configured timeout from arrival, shortened but never lengthened by the caller', () => {
    expect(deadlineOf({}, 1_000, 60_000)).toBe(61_000);
    expect(deadlineOf({ 'x-switchyard-timeout-ms': '500' }, 1_000, 60_000)).toBe(1_500);
    expect(deadlineOf({ 'x-switchyard-timeout-ms': '900000' }, 1_000, 60_000)).toBe(61_000);
  });

  it.each(['0', '-5', 'soon', '1.5', ''])('rejects x-switchyard-timeout-ms %j with a 400', (value) => {
    expect(() => deadlineOf({ 'x-switchyard-timeout-ms': value }, 0, 1_000)).toThrow(
      expect.objectContaining({ code: 'invalid_request', status: 400 }),
    );
  });
});

describe('readHttpMeta', () => {
  it('continues a caller’s valid trace, with its tracestate', () => {
    const meta = readHttpMeta({ traceparent: TRACE, tracestate: 'vendor=1' }, 0, 1_000);
    expect(meta.traceparent).toBe(TRACE);
    expect(meta.tracestate).toBe('vendor=1');
  });

  it('starts a new trace for a malformed traceparent and drops the tracestate that came with it', () => {
    const meta = readHttpMeta({ traceparent: 'garbage', tracestate: 'vendor=1' }, 0, 1_000);
    expect(meta.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(meta.tracestate).toBeUndefined();
  });

  it('passes the caller’s x-switchyard-* options and cache-control on, and nothing else', () => {
    const meta = readHttpMeta(
      {
        'x-switchyard-tags': 'batch,eu',
        'x-switchyard-timeout-ms': '500',
        'cache-control': 'no-store',
        'x-api-key': 'sk-secret-123',
        cookie: 'a=b',
      },
      0,
      1_000,
    );
    expect(meta.options).toEqual([
      ['x-switchyard-tags', 'batch,eu'],
      ['cache-control', 'no-store'],
    ]);
  });
});
