import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';
import { checkKey } from '../check-key.js';

const AUTH_TIMEOUT_MS = 10_000;

export interface Caller {
  authorization: string;
  /** SHA-256 (hex) of the key: what files and batches record as their owner (docs/batch.md). */
  owner: string;
  /** The master key sees every caller's files and batches. */
  isMaster: boolean;
}

const ownerOf = (authorization: string): string =>
  createHash('sha256').update(authorization.slice('Bearer '.length)).digest('hex');

/** The request's key, checked by policy as any request's is; throws its refusal. */
export async function authenticateCaller(ctx: IngressContext, request: FastifyRequest): Promise<Caller> {
  const authorization = authorizationOf(request.headers);
  if (authorization === undefined)
    throw new GatewayError('unauthenticated', "You didn't provide an API key: Authorization: Bearer <key>.");
  const refused = await checkKey(ctx, authorization, AUTH_TIMEOUT_MS);
  if (refused !== undefined) throw refused;
  const owner = ownerOf(authorization);
  const master = ctx.config.master_key;
  return { authorization, owner, isMaster: master !== undefined && owner === ownerOf(`Bearer ${master}`) };
}
