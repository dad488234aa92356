import { MsgHdrsImpl, headers as natsOwnHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { busHeadersOf, natsHeaders } from './headers.js';

const fill = (h: MsgHdrs): MsgHdrs => {
  h.set('sy-request-id', 'r-1');
  h.set('sy-model', ' gpt-4o ');
  h.append('sy-tag', 'a');
  h.append('sy-tag', 'b');
  h.set('sy-drop', 'x');
  h.delete('sy-drop');
  h.set('sy-model', 'gpt-4o-mini');
  return h;
};

describe('natsHeaders', () => {
  it('puts on the wire exactly what nats.js own headers do', () => {
    const ours = fill(natsHeaders());
    const theirs = fill(natsOwnHeaders());
    expect(Buffer.from((ours as MsgHdrsImpl).encode()).toString()).toBe(
      Buffer.from((theirs as MsgHdrsImpl).encode()).toString(),
    );
  });

  it('reads names exactly, with the first, last and every value', () => {
    const h = fill(natsHeaders());
    expect(h.get('sy-request-id')).toBe('r-1');
    expect(h.get('SY-REQUEST-ID')).toBe('');
    expect(h.get('sy-model')).toBe('gpt-4o-mini');
    expect(h.get('sy-tag')).toBe('a');
    expect(h.last('sy-tag')).toBe('b');
    expect(h.values('sy-tag')).toEqual(['a', 'b']);
    expect(h.has('sy-drop')).toBe(false);
    expect(h.keys()).toEqual(['sy-request-id', 'sy-tag', 'sy-model']);
  });

  it('still matches names in any case when asked to', () => {
    const h = natsHeaders();
    h.set('Authorization', 'Bearer sk-1');
    expect(h.get('authorization', 'insensitive')).toBe('Bearer sk-1');
    expect(h.last('AUTHORIZATION', 'insensitive')).toBe('Bearer sk-1');
    expect(h.has('authorization', 'insensitive')).toBe(true);
    h.delete('authorization', 'insensitive');
    expect(h.keys()).toEqual([]);
  });

  it('refuses a value that would end the header block, and a name NATS cannot carry', () => {
    const h = natsHeaders();
    expect(() => h.set('sy-model', 'x\r\nsy-key-id: admin')).toThrow(/\\r or \\n/);
    expect(() => h.append('sy-model', 'x\nsy-key-id: admin')).toThrow(/\\r or \\n/);
    expect(() => h.set('sy:model', 'x')).toThrow(/not a valid character/);
    expect(h.keys()).toEqual([]);
  });
});

describe('busHeadersOf', () => {
  it('reads and changes the entries of headers that came from NATS', () => {
    const wire = (fill(natsOwnHeaders()) as MsgHdrsImpl).encode();
    const decoded = MsgHdrsImpl.decode(wire);
    const h = busHeadersOf(decoded);
    expect(h.get('sy-model')).toBe('gpt-4o-mini');
    h.set('sy-deployment', 'd-1');
    expect(decoded.get('sy-deployment')).toBe('d-1');
    expect(busHeadersOf(h)).toBe(h);
    expect(busHeadersOf(undefined).keys()).toEqual([]);
  });
});
