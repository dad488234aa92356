import { randomUUID } from 'node:crypto';
import { isValidTraceparent, newTraceparent, type MsgHdrs, type StageRequest } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  CallerHeaders,
  GatewayError,
  Headers,
  Ops,
  isStageOwnedHeader,
  parseChatRequest,
  parseEmbeddingsRequest,
  parseJsonBody,
  type Op,
} from '@switchyard/contracts';
import { resolveDeadline, resolveRequestId } from '../domain/request-meta.js';

export interface ValidateEntryDeps {
  config: Pick<SwitchyardConfig, 'server'>;
}

/** Prepares a request from the public entry in place; throws `invalid_request` on a bad body. */
export type ValidateEntry = (req: StageRequest, op: Op) => void;

/** What later stages route on, read from a validated body; ops without a body (models) have none. */
const BODY_META: Partial<Record<Op, (data: Uint8Array) => { model: string; stream: boolean }>> = {
  [Ops.chatCompletions]: (data) => {
    const body = parseChatRequest(parseJsonBody(data));
    return { model: body.model, stream: body.stream === true };
  },
  [Ops.embeddings]: (data) => ({ model: parseEmbeddingsRequest(parseJsonBody(data)).model, stream: false }),
};

/** Header names are case-sensitive on NATS: a forged `Sy-Key-Id` must go as surely as `sy-key-id`. */
const callerHeader = (h: MsgHdrs, name: string): string | undefined =>
  h.get(name, 'insensitive') || undefined;

/**
 * The public entry's share of the work the ingress does for HTTP callers: drop every header only
 * stages may write (a caller must not forge identity or routing), then validate the body once and
 * compute the headers later stages route on, so none of them parses it again.
 */
export function createValidateEntry({ config }: ValidateEntryDeps): ValidateEntry {
  const serverTimeoutMs = config.server.request_timeout_ms;

  return (req, op) => {
    const h = req.headers;
    // `sy-body-ref` stands for the body itself (claim check), which is validated below like any
    // other; the stage helper read it already and stamps `sy-body-bytes` from what it read.
    for (const name of h.keys()) if (isStageOwnedHeader(name) && name !== Headers.bodyRef) h.delete(name);

    // Stamped before anything can fail, so even a refused request is logged under its id.
    const now = Date.now();
    h.set(Headers.op, op);
    h.set(Headers.receivedAt, String(now));
    h.set(Headers.requestId, resolveRequestId(callerHeader(h, CallerHeaders.requestId), randomUUID));
    if (!isValidTraceparent(h.get(Headers.traceparent) || undefined)) {
      // W3C trace context: a tracestate without its (valid) traceparent means nothing.
      h.delete(Headers.tracestate);
      h.set(Headers.traceparent, newTraceparent());
    }
    h.set(
      Headers.deadline,
      String(resolveDeadline(now, serverTimeoutMs, callerHeader(h, CallerHeaders.timeoutMs))),
    );

    const meta = BODY_META[op]?.(req.data);
    if (meta !== undefined) {
      // Header values cannot carry line breaks; no real model name has one.
      if (/[\r\n]/.test(meta.model)) {
        throw new GatewayError('invalid_request', "Invalid value for 'model': it contains a line break.", {
          param: 'model',
        });
      }
      h.set(Headers.model, meta.model);
      h.set(Headers.stream, meta.stream ? 'true' : 'false');
    }
  };
}
