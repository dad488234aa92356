import type { FastifyPluginCallback } from 'fastify';
import { GatewayError, Ops, Subjects, parseJsonBody } from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import type { IngressContext } from '../context.js';
import { anthropicDialect } from '../dialects/anthropic/dialect.js';
import { parseAnthropicRequest } from '../dialects/anthropic/request.js';
import { toCanonical } from '../dialects/anthropic/to-canonical.js';
import { receivedAtOf } from '../received-at.js';
import { relayRequest } from '../relay/relay-request.js';
import { readHttpMeta } from '../request-meta.js';

const EMPTY = Buffer.alloc(0);
const LINE_BREAK = /[\r\n]/;

/**
 * `POST /v1/messages`, Anthropic's Messages API, for any model behind the gateway: the body is
 * translated into the canonical chat completions request and goes through the same pipeline;
 * the answer, its stream and its errors are translated back. `x-api-key` or a Bearer token
 * authenticates; `anthropic-version` and `anthropic-beta` are accepted and ignored.
 */
export const messagesRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  // As for chat completions: any content type is read as JSON, within fastify's `bodyLimit`.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));
  // Anthropic's clients read the request id from `request-id`; `x-request-id` is set for every route.
  app.addHook('onRequest', (request, reply, next) => {
    reply.header('request-id', request.id);
    next();
  });

  const op = Ops.chatCompletions;
  const subject = Subjects.validatedEntry(op);
  // `dialect` also words the errors answered before the pipeline (validation, 413, shutdown).
  const config = { op, dialect: anthropicDialect };

  app.post('/v1/messages', { config }, async (request, reply) => {
    const receivedAt = receivedAtOf(reply);
    const http = readHttpMeta(request.headers, receivedAt, ctx.config.server.request_timeout_ms);
    const body = (request.body as Buffer | undefined) ?? EMPTY;
    const messages = parseAnthropicRequest(parseJsonBody(body));
    // The model travels in a NATS header, where a line break cannot go.
    if (LINE_BREAK.test(messages.model)) {
      throw new GatewayError('invalid_request', "Invalid value for 'model': it contains a line break.", {
        param: 'model',
      });
    }
    const chat = toCanonical(messages);
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
      body: Buffer.from(JSON.stringify(chat)),
      headers,
      requestId: request.id,
      deadline: http.deadline,
      dialect: anthropicDialect,
    });
  });
  done();
};
