import { natsHeaders, type MsgHdrs } from '@switchyard/bus';
import { Headers, type Op } from '@switchyard/contracts';
import type { HttpMeta } from './request-meta.js';

export interface BusRequestMeta extends Partial<HttpMeta> {
  requestId: string;
  op: Op;
  /** Epoch milliseconds. */
  receivedAt: number;
  model?: string | undefined;
  stream?: boolean;
}

/**
 * The NATS headers of a request: what every stage routes on, so none of them parses the body.
 * Also the input of `completedEvent` for answers the ingress gives itself.
 */
export function toBusHeaders(meta: BusRequestMeta): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.requestId, meta.requestId);
  h.set(Headers.op, meta.op);
  h.set(Headers.stream, meta.stream === true ? 'true' : 'false');
  h.set(Headers.receivedAt, String(meta.receivedAt));
  if (meta.deadline !== undefined) h.set(Headers.deadline, String(meta.deadline));
  if (meta.model !== undefined) h.set(Headers.model, meta.model);
  if (meta.authorization !== undefined) h.set(Headers.authorization, meta.authorization);
  if (meta.traceparent !== undefined) h.set(Headers.traceparent, meta.traceparent);
  if (meta.tracestate !== undefined) h.set(Headers.tracestate, meta.tracestate);
  for (const [name, value] of meta.options ?? []) h.set(name, value);
  return h;
}
