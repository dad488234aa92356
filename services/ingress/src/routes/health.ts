import type { FastifyPluginCallback } from 'fastify';
import { GatewayError, StageNames } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { sendError } from '../send-error.js';

/** Why the ingress cannot serve requests right now, or undefined when it can. */
function notReadyReason(ctx: IngressContext): string | undefined {
  if (!ctx.connection.isConnected()) return 'The gateway is not connected to its message bus.';
  if (!ctx.presence.isAlive(StageNames.policy)) return 'No policy service is running.';
  return undefined;
}

/**
 * `/healthz`: the process answers (liveness). `/readyz`: requests can be served now (readiness):
 * the bus is connected and the first stage is running; both cost no I/O.
 */
export const healthRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const reason = notReadyReason(ctx);
    if (reason !== undefined) return sendError(reply, new GatewayError('unavailable', reason));
    return { status: 'ok' };
  });
  done();
};
