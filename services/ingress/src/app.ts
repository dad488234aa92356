import { randomUUID } from 'node:crypto';
import { fastify, type FastifyInstance } from 'fastify';
import { createReplyInbox, watchConnection } from '@switchyard/bus';
import { GatewayError } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import { registerAdminRoutes } from './admin/admin-route.js';
import { cacheRoutes } from './admin/cache-routes.js';
import { keyRoutes } from './admin/key-routes.js';
import { requestLogRoutes } from './admin/request-log-routes.js';
import { usageRoutes } from './admin/usage-routes.js';
import { routeRoutes } from './admin/route-routes.js';
import { spendRoutes } from './admin/spend-routes.js';
import { routeHealthRoutes } from './admin/health-routes.js';
import { answerError } from './answer-error.js';
import { batchesRoutes } from './batch/batches-routes.js';
import { filesRoutes } from './batch/files-routes.js';
import type { IngressContext } from './context.js';
import { createErrorHandler, createNotFoundHandler } from './error-handler.js';
import { toHttpError } from './http-error.js';
import { chatCompletionsRoutes } from './routes/chat-completions.js';
import { consoleRoutes } from './routes/console.js';
import { embeddingsRoutes } from './routes/embeddings.js';
import { healthRoutes } from './routes/health.js';
import { messagesRoutes } from './routes/messages.js';
import { modelsRoutes } from './routes/models.js';
import { sendError } from './send-error.js';
import { serverSpanHook } from './server-span.js';
import { attachWebSocket } from './ws/attach-websocket.js';

/**
 * The ingress's HTTP app, not listening: tests `inject` into it, `startIngress` listens. Its one
 * reply inbox (a single NATS subscription for every request) lives as long as the app.
 */
/** How long a stop lets in-flight requests, streams and WebSocket requests finish before cutting them. */
export const DEFAULT_STOP_GRACE_MS = 10_000;

export interface AppOptions {
  stopGraceMs?: number;
}

export function buildApp(deps: ServiceDeps, options: AppOptions = {}): FastifyInstance {
  const app = fastify({
    // Fastify's request logging would print headers (API keys) and two lines per request; we log
    // one line at debug below, from fields we choose.
    logger: false,
    bodyLimit: deps.config.server.body_limit_bytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Fastify's own closing answer is not in OpenAI's shape; the hook below gives ours.
    return503OnClosing: false,
    // A malformed URL fails before routing (no hooks ran): answered here in OpenAI's shape.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      sendError(reply, toHttpError(error, deps.config.server.body_limit_bytes));
    },
  });
  const ctx: IngressContext = {
    ...deps,
    inbox: createReplyInbox(deps.nc),
    connection: watchConnection(deps.nc),
  };

  app.addHook('onRequest', serverSpanHook);
  let closing = false;
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (!closing) return done();
    reply.header('connection', 'close');
    answerError(ctx, request, reply, new GatewayError('unavailable', 'The gateway is shutting down.'));
  });
  if (deps.log.isLevelEnabled('debug')) {
    app.addHook('onRequest', (request, reply, done) => {
      reply.raw.once('close', () =>
        deps.log.debug(
          {
            requestId: request.id,
            method: request.method,
            path: request.url.split('?', 1)[0],
            status: reply.raw.statusCode,
            ms: Math.round(reply.elapsedTime),
            aborted: !reply.raw.writableFinished,
          },
          'request',
        ),
      );
      done();
    });
  }
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Runs once the server has closed, i.e. after the last in-flight answer: it still needed the inbox.
  app.addHook('onClose', (_instance, done) => {
    ctx.inbox.stop();
    ctx.connection.stop();
    done();
  });

  app.setErrorHandler(createErrorHandler(ctx));
  app.setNotFoundHandler(createNotFoundHandler(ctx));
  app.register(healthRoutes, ctx);
  app.register(modelsRoutes, ctx);
  app.register(chatCompletionsRoutes, ctx);
  app.register(embeddingsRoutes, ctx);
  app.register(messagesRoutes, ctx);
  app.register(filesRoutes, ctx);
  app.register(batchesRoutes, ctx);
  app.register(consoleRoutes);
  attachWebSocket(app, ctx, { stopGraceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS });
  registerAdminRoutes(app, ctx, [
    ...requestLogRoutes,
    ...usageRoutes,
    ...cacheRoutes,
    ...routeRoutes,
    ...keyRoutes,
    ...spendRoutes,
    ...routeHealthRoutes,
  ]);
  return app;
}
