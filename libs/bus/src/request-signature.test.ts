import { Headers } from '@switchyard/contracts';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { checkRequestSignature, signRequest } from './request-signature.js';

const SECRET = 'a-signing-secret-of-at-least-32-chars!';
const NOW = 1_700_000_000_000;

function admitted(): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.requestId, 'req-1');
  h.set(Headers.keyId, 'app');
  h.set(Headers.team, 'search');
  h.set(Headers.model, 'gpt-4o-mini');
  h.set(Headers.allowedModels, 'gpt-4o*');
  signRequest(h, SECRET, NOW + 30_000);
  return h;
}

describe('request signature', () => {
  it('accepts what policy signed, until its expiry', () => {
    const h = admitted();
    expect(h.get(Headers.signature)).toMatch(/^v1\.1700000030000\.[0-9a-f]{64}$/);
    expect(checkRequestSignature(h, SECRET, NOW)).toBeUndefined();
    expect(checkRequestSignature(h, SECRET, NOW + 29_999)).toBeUndefined();
    expect(checkRequestSignature(h, SECRET, NOW + 30_000)).toBe('expired');
  });

  it.each([
    [Headers.model, 'gpt-5'],
    [Headers.keyId, 'someone-else'],
    [Headers.team, 'other-team'],
    [Headers.allowedModels, '*'],
    [Headers.requestId, 'req-2'],
  ])('refuses the request once %s is changed', (name, value) => {
    const h = admitted();
    h.set(name, value);
    expect(checkRequestSignature(h, SECRET, NOW)).toBe('invalid');
  });

  it('refuses a team removed after signing', () => {
    const h = admitted();
    h.delete(Headers.team);
    expect(checkRequestSignature(h, SECRET, NOW)).toBe('invalid');
  });

  it('refuses an expiry moved later, a signature made with another secret, and garbage', () => {
    const h = admitted();
    const [, , hex] = h.get(Headers.signature).split('.');
    h.set(Headers.signature, `v1.${NOW + 3_600_000}.${hex}`);
    expect(checkRequestSignature(h, SECRET, NOW)).toBe('invalid');

    const forged = admitted();
    signRequest(forged, 'an-attacker-guess-at-the-secret-value', NOW + 30_000);
    expect(checkRequestSignature(forged, SECRET, NOW)).toBe('invalid');

    for (const value of ['v1.abc.def', 'v2.1.' + '0'.repeat(64), 'nonsense', `v1.${NOW}.${'0'.repeat(63)}`]) {
      h.set(Headers.signature, value);
      expect(checkRequestSignature(h, SECRET, NOW)).toBe('malformed');
    }
  });

  it('refuses a request with no signature', () => {
    const h = admitted();
    h.delete(Headers.signature);
    expect(checkRequestSignature(h, SECRET, NOW)).toBe('missing');
  });
});
