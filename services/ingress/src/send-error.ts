import type { FastifyReply } from 'fastify';
import { toOpenAIErrorBody, type GatewayError } from '@switchyard/contracts';
import type { ErrorBodyOf } from './relay/dialect.js';

/** `retry-after` in whole seconds for every HTTP client; `retry-after-ms` for the OpenAI SDKs, which prefer it. */
export function setRetryAfter(reply: FastifyReply, ms: number | undefined): void {
  if (ms === undefined || !(ms >= 0)) return;
  reply.header('retry-after', String(Math.ceil(ms / 1000)));
  reply.header('retry-after-ms', String(Math.round(ms)));
}

/** Every error answer of the ingress: OpenAI's shape (or a dialect's), the table's status. */
export function sendError(
  reply: FastifyReply,
  err: GatewayError,
  toBody: ErrorBodyOf = toOpenAIErrorBody,
): FastifyReply {
  setRetryAfter(reply, err.retryAfterMs);
  return reply
    .code(err.status)
    .header('content-type', 'application/json')
    .send(JSON.stringify(toBody(err, reply.request.id)));
}
