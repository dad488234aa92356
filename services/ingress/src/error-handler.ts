import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { answerError } from './answer-error.js';
import type { IngressContext } from './context.js';
import { toHttpError } from './http-error.js';

/** The one error handler: logs the cause of server-side failures, answers every error in OpenAI's shape. */
export function createErrorHandler(ctx: IngressContext) {
  const bodyLimit = ctx.config.server.body_limit_bytes;
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const err = toHttpError(error, bodyLimit);
    if (err.status >= 500) ctx.log.error({ err: error, requestId: request.id }, 'request failed');
    return answerError(ctx, request, reply, err);
  };
}

/** Unknown routes, worded as OpenAI words them. */
export function createNotFoundHandler(ctx: IngressContext) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?', 1)[0];
    return answerError(
      ctx,
      request,
      reply,
      new GatewayError('not_found', `Invalid URL (${request.method} ${path})`),
    );
  };
}
