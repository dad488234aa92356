import type { FastifyPluginCallback } from 'fastify';
import { GatewayError, Ops, Subjects, parseEmbeddingsRequest, parseJsonBody } from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import type { IngressContext } from '../context.js';
import { receivedAtOf } from '../received-at.js';
import { relayRequest } from '../relay/relay-request.js';
import { readHttpMeta } from '../request-meta.js';

const EMPTY = Buffer.alloc(0);
const LINE_BREAK = /[\r\n]/;

/**
 * `POST /v1/embeddings`: validated here once, then published as the caller's own bytes; the one
 * answer (a list of vectors, or an error) is relayed as JSON.
 */
export const embeddingsRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  // As for chat: any content type is read as JSON, and the raw bytes are kept for the bus.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));

  const op = Ops.embeddings;
  const subject = Subjects.validatedEntry(op);

  app.post('/v1/embeddings', { config: { op } }, async (request, reply) => {
    const receivedAt = receivedAtOf(reply);
    const http = readHttpMeta(request.headers, receivedAt, ctx.config.server.request_timeout_ms);
    const body = (request.body as Buffer | undefined) ?? EMPTY;
    const embeddings = parseEmbeddingsRequest(parseJsonBody(body));
    // The model travels in a NATS header, where a line break cannot go.
    if (LINE_BREAK.test(embeddings.model)) {
      throw new GatewayError('invalid_request', "Invalid value for 'model': it contains a line break.", {
        param: 'model',
      });
    }
    const headers = toBusHeaders({ ...http, requestId: request.id, op, receivedAt, model: embeddings.model });
    return relayRequest(ctx, reply, {
      subject,
      body,
      headers,
      requestId: request.id,
      deadline: http.deadline,
    });
  });
  done();
};
