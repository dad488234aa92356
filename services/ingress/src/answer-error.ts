import type { FastifyReply, FastifyRequest } from 'fastify';
import { completedEvent, publishCompleted } from '@switchyard/bus';
import type { GatewayError, Op } from '@switchyard/contracts';
import { toBusHeaders } from './bus-headers.js';
import type { IngressContext } from './context.js';
import { receivedAtOf } from './received-at.js';
import type { ReplyDialect } from './relay/dialect.js';
import { sendError } from './send-error.js';

/** The op a route serves (`config: { op }` on the route); undefined for health and unknown routes. */
export const opOf = (request: FastifyRequest): Op | undefined =>
  (request.routeOptions.config as { op?: Op } | undefined)?.op;

/** The dialect a route answers in (`config: { dialect }`), when not OpenAI's. */
export const dialectOf = (request: FastifyRequest): ReplyDialect | undefined =>
  (request.routeOptions.config as { dialect?: ReplyDialect } | undefined)?.dialect;

/**
 * Answers an error the ingress produced itself, before the request reached the bus. No stage will
 * emit its completion event, so this does: every request of an op is counted exactly once.
 */
export function answerError(
  ctx: IngressContext,
  request: FastifyRequest,
  reply: FastifyReply,
  err: GatewayError,
): FastifyReply {
  const op = opOf(request);
  if (op !== undefined) {
    const headers = toBusHeaders({ requestId: request.id, op, receivedAt: receivedAtOf(reply) });
    publishCompleted(ctx.nc, completedEvent(headers, { status: err.status, errorCode: err.code }));
  }
  return sendError(reply, err, dialectOf(request)?.errorBody);
}
