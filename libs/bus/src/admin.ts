import {
  GatewayError,
  Headers,
  fromOpenAIErrorBody,
  toGatewayError,
  toOpenAIErrorBody,
} from '@switchyard/contracts';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { natsHeaders } from './headers.js';
import type { z } from 'zod';
import type { BusLogger } from './connect.js';

const decoder = new TextDecoder();

/** An admin call's answer: a JSON body and its HTTP status (200 unless said otherwise). */
export interface AdminAnswer {
  status?: number;
  body: unknown;
}

export interface AdminEndpoint<S extends z.ZodType> {
  /** `Subjects.admin.*`. */
  subject: string;
  /** Replicas of the answering service share the calls. */
  queue: string;
  /** The request body's schema; a body that does not match is a 400 naming the field. */
  schema: S;
  /** `headers`: the call's own, e.g. a caller's `authorization` for endpoints that act for a caller. */
  handle(input: z.infer<S>, headers: MsgHdrs | undefined): AdminAnswer | Promise<AdminAnswer>;
}

/**
 * Answers one admin request/reply subject: JSON in, JSON out, with the HTTP status in `sy-status`
 * and errors in OpenAI's shape (`sy-error-code` set). Who may call is the ingress's business (it
 * lets the master key only); NATS accounts keep clients off `llm.v1.admin.>`.
 */
export function serveAdmin<S extends z.ZodType>(
  nc: NatsConnection,
  log: BusLogger,
  endpoint: AdminEndpoint<S>,
): Subscription {
  const respond = (msg: Msg, status: number, body: unknown, code?: string): void => {
    const h = natsHeaders();
    h.set(Headers.status, String(status));
    if (code !== undefined) h.set(Headers.errorCode, code);
    msg.respond(JSON.stringify(body), { headers: h });
  };
  const fail = (msg: Msg, err: GatewayError): void =>
    respond(msg, err.status, toOpenAIErrorBody(err), err.code);

  const answer = async (msg: Msg): Promise<void> => {
    let json: unknown;
    try {
      json = msg.data.byteLength === 0 ? {} : JSON.parse(decoder.decode(msg.data));
    } catch {
      return fail(msg, new GatewayError('invalid_request', 'The request body is not valid JSON.'));
    }
    const parsed = endpoint.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.join('.') || undefined;
      return fail(
        msg,
        new GatewayError('invalid_request', `Invalid ${param ?? 'request'}: ${issue?.message}`, {
          ...(param === undefined ? {} : { param }),
        }),
      );
    }
    try {
      const out = await endpoint.handle(parsed.data, msg.headers);
      respond(msg, out.status ?? 200, out.body);
    } catch (cause) {
      const err = toGatewayError(cause);
      if (err.code === 'internal') log.error({ err: cause, subject: endpoint.subject }, 'admin call failed');
      // An unexpected failure's message could hold anything (a Redis URL, a key): say nothing of it.
      fail(msg, err.code === 'internal' ? new GatewayError('internal', 'The admin call failed.') : err);
    }
  };

  return nc.subscribe(endpoint.subject, {
    queue: endpoint.queue,
    callback: (err, msg) => {
      if (err) log.error({ err, subject: endpoint.subject }, 'admin subscription error');
      else void answer(msg);
    },
  });
}

export interface AdminReply {
  status: number;
  /** The JSON text of the answer. */
  body: string;
}

/**
 * Calls an admin subject and returns its answer; a failed call (an error status) is thrown as the
 * `GatewayError` it carries. No service listening is a 503 naming `service`; no answer in time a 504.
 */
export async function callAdmin(
  nc: NatsConnection,
  subject: string,
  input: unknown,
  options: { service: string; timeoutMs?: number },
): Promise<AdminReply> {
  let msg: Msg;
  try {
    msg = await nc.request(subject, JSON.stringify(input ?? {}), { timeout: options.timeoutMs ?? 10_000 });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || /timeout/i.test((err as Error).message);
    throw timedOut
      ? new GatewayError('timeout', `The ${options.service} service did not answer in time.`)
      : new GatewayError('unavailable', `No ${options.service} service is running to answer this call.`);
  }
  const status = Number(msg.headers?.get(Headers.status) || 200);
  const body = msg.string();
  if (status >= 400) throw fromOpenAIErrorBody(msg.headers?.get(Headers.errorCode), JSON.parse(body));
  return { status, body };
}
