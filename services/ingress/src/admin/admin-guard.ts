import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError, type ErrorCode } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';
import { checkKey } from '../check-key.js';

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** How long a key that is neither the master key nor a config key may take to be checked by policy. */
const KEY_CHECK_TIMEOUT_MS = 5_000;

/**
 * Refusals policy gives only after it has authenticated the key (the model, limits, budgets, the
 * signature a later stage checks): the key exists, it is just not the master key.
 */
const REFUSED_AFTER_AUTHENTICATION: ReadonlySet<ErrorCode> = new Set([
  'forbidden',
  'rate_limited',
  'quota_exceeded',
]);

export type AdminGuard = (request: FastifyRequest) => Promise<GatewayError | undefined>;

const notAdmin = (): GatewayError =>
  new GatewayError('forbidden', 'The admin API needs the master key; this key is not it.', {
    openaiCode: 'admin_only',
  });

/**
 * Who may use the admin API: the master key only. No key, an unknown, revoked or expired one is
 * 401; a valid key that is not the master key is 403 `admin_only`. The master key and config keys
 * are known here, compared by hash (the master key in constant time) with no bus round trip; any
 * other key costs one check through policy, which holds the keys created at run time.
 */
export function createAdminGuard(ctx: IngressContext): AdminGuard {
  const master = ctx.config.master_key === undefined ? undefined : sha256(ctx.config.master_key);
  const configKeys = new Set(ctx.config.keys.map((k) => k.key_hash ?? sha256(k.key!).toString('hex')));
  return async (request) => {
    const authorization = authorizationOf(request.headers);
    if (authorization === undefined)
      return new GatewayError(
        'unauthenticated',
        'The admin API needs the master key: Authorization: Bearer <master_key>.',
      );
    const hash = sha256(authorization.slice('Bearer '.length));
    if (master !== undefined && timingSafeEqual(hash, master)) return undefined;
    if (configKeys.has(hash.toString('hex'))) return notAdmin();

    const refused = await checkKey(ctx, authorization, KEY_CHECK_TIMEOUT_MS);
    if (refused === undefined || REFUSED_AFTER_AUTHENTICATION.has(refused.code)) return notAdmin();
    // Policy's own 401 ("Incorrect API key provided.", "The API key has expired."): it never quotes the key.
    if (refused.code === 'unauthenticated') return refused;
    // Policy did not say (not running, no answer in time, failed before or after authenticating):
    // 401 would tell a valid key's holder it is wrong, 403 would tell an unknown key it exists, so
    // say what is true, that the key could not be checked, and the caller may retry.
    return new GatewayError(
      'unavailable',
      `The admin API needs the master key, and this key could not be checked: ${refused.message}`,
      { cause: refused },
    );
  };
}
