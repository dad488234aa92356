import { GatewayError, Headers, isFrameKind, type FrameKind } from '@switchyard/contracts';
import type { Msg, MsgHdrs } from '@nats-io/transport-node';

export interface Frame {
  kind: FrameKind;
  seq: number;
  data: Uint8Array;
  /** HTTP status for `response` and `error` frames. */
  status?: number;
  errorCode?: string;
  retryAfterMs?: number;
  headers: MsgHdrs | undefined;
}

/** NATS "no responders": the server's answer to a publish that no subscriber could take. */
const NO_RESPONDERS = 503;

/**
 * Reads a reply message as a frame. The server's own no-responders status (nobody consumes the
 * entry subject) becomes an `unavailable` error frame, so the requester answers 503 at once.
 */
export function decodeFrame(msg: Pick<Msg, 'data' | 'headers'>): Frame | GatewayError {
  const h = msg.headers;
  const kind = h?.get(Headers.frame);
  if (isFrameKind(kind)) {
    const num = (name: string): number | undefined => {
      const v = h?.get(name);
      return v ? Number(v) : undefined;
    };
    const frame: Frame = { kind, seq: num(Headers.seq) ?? 0, data: msg.data, headers: h };
    const status = num(Headers.status);
    if (status !== undefined) frame.status = status;
    const code = h?.get(Headers.errorCode);
    if (code) frame.errorCode = code;
    const retryAfterMs = num(Headers.retryAfterMs);
    if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
    return frame;
  }
  if (h?.code === NO_RESPONDERS) {
    return new GatewayError(
      'unavailable',
      'The gateway is not accepting requests: no policy service is running.',
    );
  }
  return new GatewayError('internal', 'Received a malformed reply frame.');
}
