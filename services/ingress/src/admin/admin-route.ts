import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { callAdmin } from '@switchyard/bus';
import { toGatewayError } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { sendError } from '../send-error.js';
import { createAdminGuard } from './admin-guard.js';

export interface AdminRoute {
  method: HTTPMethods;
  /** Fastify path, e.g. `/admin/keys/:id`. */
  url: string;
  /** The NATS admin subject that answers it. */
  subject: string;
  /** Names the answering service in a 503 ("No policy service is running…"). */
  service: string;
  /**
   * The NATS call's JSON input from the HTTP request: path params, query string and body, as the
   * endpoint needs them. Throws `GatewayError` for a 400 the ingress can already give.
   */
  input(request: FastifyRequest): unknown;
  timeoutMs?: number;
}

/**
 * Registers admin routes that the ingress only guards and relays: the master key is checked here,
 * then the call goes over NATS to the service holding the data, whose answer (status and JSON)
 * is passed back as it came. One shape for every admin endpoint, whoever answers it.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  ctx: IngressContext,
  routes: readonly AdminRoute[],
): void {
  const guard = createAdminGuard(ctx);
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const refused = await guard(request);
        if (refused !== undefined) return sendError(reply, refused);
        try {
          const answer = await callAdmin(ctx.nc, route.subject, route.input(request), {
            service: route.service,
            ...(route.timeoutMs !== undefined && { timeoutMs: route.timeoutMs }),
          });
          return reply.code(answer.status).header('content-type', 'application/json').send(answer.body);
        } catch (err) {
          return sendError(reply, toGatewayError(err));
        }
      },
    });
  }
}
