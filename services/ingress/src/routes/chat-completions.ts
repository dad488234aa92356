import type { FastifyPluginCallback } from 'fastify';
import { GatewayError, Ops, Subjects, parseChatRequest, parseJsonBody } from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import type { IngressContext } from '../context.js';
import { receivedAtOf } from '../received-at.js';
import { relayRequest } from '../relay/relay-request.js';
import { readHttpMeta } from '../request-meta.js';

const EMPTY = Buffer.alloc(0);
const LINE_BREAK = /[\r\n]/;

/** `POST /v1/chat/completions`: validated here once, then published as the caller's own bytes. */
export const chatCompletionsRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  // Like OpenAI, any content type (or none) is read as JSON; the raw bytes are kept for the bus, so
  // no parser of fastify's runs here. The size limit is fastify's `bodyLimit` (413 when exceeded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));

  const op = Ops.chatCompletions;
  const subject = Subjects.validatedEntry(op);

  app.post('/v1/chat/completions', { config: { op } }, async (request, reply) => {
    const receivedAt = receivedAtOf(reply);
    const http = readHttpMeta(request.headers, receivedAt, ctx.config.server.request_timeout_ms);
    const body = (request.body as Buffer | undefined) ?? EMPTY;
    const chat = parseChatRequest(parseJsonBody(body));
    // The model travels in a NATS header, where a line break cannot go.
    if (LINE_BREAK.test(chat.model)) {
      throw new GatewayError('invalid_request', "Invalid value for 'model': it contains a line break.", {
        param: 'model',
      });
    }
    const headers = toBusHeaders({
      ...http,
      requestId: request.id,
      op,
      receivedAt,
      model: chat.model,
      stream: chat.stream === true,
    });
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
