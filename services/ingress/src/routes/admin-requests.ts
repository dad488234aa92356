import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import {
  GatewayError,
  Headers,
  RequestLogQuery,
  Subjects,
  fromOpenAIErrorBody,
  toGatewayError,
} from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';
import { sendError } from '../send-error.js';

/** How long the request log may take to answer before the caller gets a 504. */
const QUERY_TIMEOUT_MS = 10_000;

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/**
 * Who may use the admin API: the master key only. No key or an unknown one is 401; a valid
 * virtual key that is not the master key is 403. Compared by hash, in constant time.
 */
function createAdminGuard(ctx: IngressContext): (request: FastifyRequest) => GatewayError | undefined {
  const master = ctx.config.master_key === undefined ? undefined : sha256(ctx.config.master_key);
  const virtualKeys = new Set(ctx.config.keys.map((k) => k.key_hash ?? sha256(k.key!).toString('hex')));
  return (request) => {
    const authorization = authorizationOf(request.headers);
    if (authorization === undefined)
      return new GatewayError(
        'unauthenticated',
        'The admin API needs the master key: Authorization: Bearer <master_key>.',
      );
    const hash = sha256(authorization.slice('Bearer '.length));
    if (master !== undefined && timingSafeEqual(hash, master)) return undefined;
    if (virtualKeys.has(hash.toString('hex')))
      return new GatewayError('forbidden', 'The admin API needs the master key; this key is not it.', {
        openaiCode: 'admin_only',
      });
    return new GatewayError('unauthenticated', 'Incorrect API key provided.');
  };
}

/** A time filter as epoch milliseconds: given as milliseconds or as an ISO 8601 date. */
function toEpochMs(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new GatewayError(
      'invalid_request',
      `Invalid ${param}: expected epoch milliseconds or an ISO 8601 date.`,
      {
        param,
      },
    );
  return ms;
}

/** The query string as a `RequestLogQuery`; 400 naming the parameter at fault. */
function parseQuery(raw: Record<string, string | undefined>): RequestLogQuery {
  const parsed = RequestLogQuery.safeParse({
    key_id: raw['key_id'] || undefined,
    team: raw['team'] || undefined,
    model: raw['model'] || undefined,
    status: raw['status'] || undefined,
    since: toEpochMs(raw['since'], 'since'),
    until: toEpochMs(raw['until'], 'until'),
    limit: raw['limit'] === undefined || raw['limit'] === '' ? undefined : Number(raw['limit']),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.join('.') || undefined;
  throw new GatewayError('invalid_request', `Invalid ${param ?? 'query'}: ${issue?.message}`, {
    ...(param === undefined ? {} : { param }),
  });
}

/**
 * `GET /admin/requests?key_id=&team=&model=&status=&since=&until=&limit=`: the request log,
 * newest first, asked of the telemetry service over NATS (`llm.v1.admin.requests.query`).
 * `status` is a code (`429`) or a class (`5xx`); `since`/`until` are epoch ms or ISO dates.
 */
export const adminRequestsRoutes: FastifyPluginCallback<IngressContext> = (app, ctx, done) => {
  const guard = createAdminGuard(ctx);

  app.get('/admin/requests', async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = guard(request);
    if (refused !== undefined) return sendError(reply, refused);
    let query: RequestLogQuery;
    try {
      query = parseQuery(request.query as Record<string, string | undefined>);
    } catch (err) {
      return sendError(reply, toGatewayError(err));
    }
    let answer;
    try {
      answer = await ctx.nc.request(Subjects.admin.requestsQuery, JSON.stringify(query), {
        timeout: QUERY_TIMEOUT_MS,
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || /timeout/i.test((err as Error).message);
      return sendError(
        reply,
        timedOut
          ? new GatewayError('timeout', 'The request log did not answer in time: narrow the time range.')
          : new GatewayError('unavailable', 'No telemetry service is running to answer request log queries.'),
      );
    }
    const status = Number(answer.headers?.get(Headers.status) || 200);
    if (status !== 200) {
      const err = fromOpenAIErrorBody(answer.headers?.get(Headers.errorCode), JSON.parse(answer.string()));
      return sendError(reply, err);
    }
    return reply.code(200).header('content-type', 'application/json').send(answer.string());
  });
  done();
};
