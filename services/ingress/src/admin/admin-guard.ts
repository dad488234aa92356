import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export type AdminGuard = (request: FastifyRequest) => GatewayError | undefined;

/**
 * Who may use the admin API: the master key only. No key or an unknown one is 401; a key from
 * the config that is not the master key is 403. Compared by hash, in constant time.
 */
export function createAdminGuard(ctx: Pick<IngressContext, 'config'>): AdminGuard {
  const master = ctx.config.master_key === undefined ? undefined : sha256(ctx.config.master_key);
  const virtualKeys = new Set(ctx.config.keys.map((k) => k.key_hash ?? sha256(k.key!).toString('hex')));
  return (request) => {
    const authorization = authorizationOf(request.headers);
    if (authorization === undefined)
      return new GatewayError(
        'unauthenticated',
        'The admin API needs the master key: Authorization: Bearer <master_key>.',
      );
    const hash = sha256(authorization.slice('Bearer '.length));
    if (master !== undefined && timingSafeEqual(hash, master)) return undefined;
    if (virtualKeys.has(hash.toString('hex')))
      return new GatewayError('forbidden', 'The admin API needs the master key; this key is not it.', {
        openaiCode: 'admin_only',
      });
    return new GatewayError('unauthenticated', 'Incorrect API key provided.');
  };
}
