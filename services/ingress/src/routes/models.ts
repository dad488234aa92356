import type { FastifyPluginCallback } from 'fastify';
import { Ops, Subjects } from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import type { IngressContext } from '../context.js';
import { receivedAtOf } from '../received-at.js';
import { relayRequest } from '../relay/relay-request.js';
import { readHttpMeta } from '../request-meta.js';

const EMPTY = new Uint8Array(0);

/** `GET /v1/models`: the pipeline (policy, then the router) builds the list the key may use. */
export const modelsRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  const op = Ops.models;
  const subject = Subjects.validatedEntry(op);

  app.get('/v1/models', { config: { op } }, async (request, reply) => {
    const receivedAt = receivedAtOf(reply);
    const http = readHttpMeta(request.headers, receivedAt, ctx.config.server.request_timeout_ms);
    const headers = toBusHeaders({ ...http, requestId: request.id, op, receivedAt });
    return relayRequest(ctx, reply, {
      subject,
      body: EMPTY,
      headers,
      requestId: request.id,
      deadline: http.deadline,
    });
  });
  done();
};
