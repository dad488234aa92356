import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { natsHeaders } from '@switchyard/bus';
import { GatewayError, Headers, Subjects, fromOpenAIErrorBody, toGatewayError } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';
import { sendError } from '../send-error.js';

const CALL_TIMEOUT_MS = 60_000;

/**
 * OpenAI's batches API, relayed to the batch service over NATS with the caller's key (the batch
 * service authenticates it through policy and runs the batch as that key): `POST /v1/batches`,
 * `GET /v1/batches`, `GET /v1/batches/:id`, `POST /v1/batches/:id/cancel`.
 */
export const batchesRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  const relay =
    (subject: string, input: (request: FastifyRequest) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const h = natsHeaders();
      const authorization = authorizationOf(request.headers);
      if (authorization !== undefined) h.set(Headers.authorization, authorization);
      try {
        let msg;
        try {
          msg = await ctx.nc.request(subject, JSON.stringify(input(request) ?? {}), {
            headers: h,
            timeout: CALL_TIMEOUT_MS,
          });
        } catch (err) {
          throw /timeout/i.test((err as Error).message)
            ? new GatewayError('timeout', 'The batch service did not answer in time.')
            : new GatewayError('unavailable', 'No batch service is running to answer this call.');
        }
        const status = Number(msg.headers?.get(Headers.status) || 200);
        if (status >= 400) throw fromOpenAIErrorBody(msg.headers?.get(Headers.errorCode), msg.json());
        return reply.code(status).header('content-type', 'application/json').send(msg.string());
      } catch (err) {
        return sendError(reply, toGatewayError(err));
      }
    };
  const id = (request: FastifyRequest) => ({ id: (request.params as { id: string }).id });

  app.post(
    '/v1/batches',
    relay(Subjects.batch.create, (request) => request.body),
  );
  app.get(
    '/v1/batches',
    relay(Subjects.batch.list, (request) => request.query),
  );
  app.get('/v1/batches/:id', relay(Subjects.batch.get, id));
  app.post('/v1/batches/:id/cancel', relay(Subjects.batch.cancel, id));
  done();
};
