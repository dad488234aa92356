import { GatewayError } from '@switchyard/contracts';
import { hashKey, type Identity, type KeyTable } from './key-table.js';

const BEARER = /^bearer\s+(\S+)\s*$/i;

const missingKey = (): GatewayError =>
  new GatewayError(
    'unauthenticated',
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  );

// The key is never echoed, not even masked: error bodies end up in client logs and screenshots.
const incorrectKey = (): GatewayError =>
  new GatewayError(
    'unauthenticated',
    'Incorrect API key provided. Use a key configured for this Switchyard gateway, or ask its operator for one.',
  );

const expiredKey = (): GatewayError => new GatewayError('unauthenticated', 'The API key has expired.');

export type Authenticate = (authorization: string | undefined) => Identity;

/**
 * Resolves an `Authorization: Bearer <key>` value to its identity, or throws `unauthenticated`
 * (missing, unknown or expired key).
 */
export function createAuthenticate(
  table: Pick<KeyTable, 'find'>,
  now: () => number = Date.now,
): Authenticate {
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') throw missingKey();
    const key = BEARER.exec(authorization)?.[1];
    if (key === undefined) throw missingKey();
    const found = table.find(hashKey(key));
    if (found === undefined) throw incorrectKey();
    if (found.expiresAt !== undefined && now() >= found.expiresAt) throw expiredKey();
    return found.identity;
  };
}
