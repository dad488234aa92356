import type { Msg } from '@switchyard/bus';
import { natsHeaders } from '@switchyard/bus';
import {
  GatewayError,
  Headers,
  RequestLogQuery,
  toGatewayError,
  toOpenAIErrorBody,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { RequestLog } from '../request-log/request-log.js';

export interface RequestsQueryDeps {
  log: Logger;
  /** Undefined when the request log is off or JetStream is not available. */
  requestLog: RequestLog | undefined;
}

const decoder = new TextDecoder();

/**
 * Answers `llm.v1.admin.requests.query`: a `RequestLogQuery` in, a `RequestLogPage` out, or an
 * OpenAI-shaped error with its status and code in the `sy-status` / `sy-error-code` headers.
 * Who may ask is the caller's business (the ingress lets the master key only).
 */
export function createRequestsQuery({ log, requestLog }: RequestsQueryDeps): (msg: Msg) => Promise<void> {
  const answer = (msg: Msg, status: number, body: unknown, code?: string): void => {
    const h = natsHeaders();
    h.set(Headers.status, String(status));
    if (code !== undefined) h.set(Headers.errorCode, code);
    msg.respond(JSON.stringify(body), { headers: h });
  };
  const fail = (msg: Msg, err: GatewayError): void =>
    answer(msg, err.status, toOpenAIErrorBody(err), err.code);

  return async (msg) => {
    if (requestLog === undefined) {
      fail(
        msg,
        new GatewayError('unavailable', 'The request log is turned off or JetStream is not available.'),
      );
      return;
    }
    let json: unknown;
    try {
      json = msg.data.byteLength === 0 ? {} : JSON.parse(decoder.decode(msg.data));
    } catch {
      fail(msg, new GatewayError('invalid_request', 'The query is not JSON.'));
      return;
    }
    const parsed = RequestLogQuery.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.join('.') || undefined;
      fail(
        msg,
        new GatewayError('invalid_request', `Invalid query: ${param ? `${param}: ` : ''}${issue?.message}`, {
          ...(param === undefined ? {} : { param }),
        }),
      );
      return;
    }
    try {
      answer(msg, 200, await requestLog.query(parsed.data));
    } catch (err) {
      log.error({ err }, 'request log query failed');
      const e = toGatewayError(err);
      fail(msg, e.code === 'internal' ? new GatewayError('internal', 'The request log query failed.') : e);
    }
  };
}
