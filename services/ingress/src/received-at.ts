import type { FastifyReply } from 'fastify';

/**
 * When the request arrived, epoch milliseconds: fastify starts its clock before reading the body,
 * so the upload of a large body counts in the request's duration, as the caller experiences it.
 */
export const receivedAtOf = (reply: FastifyReply): number => Math.round(Date.now() - reply.elapsedTime);
