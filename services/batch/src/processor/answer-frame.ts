import { FrameKinds, GatewayError, Headers, isErrorCode, type ErrorCode } from '@switchyard/contracts';
import type { MsgHdrs } from '@switchyard/bus';

/** A line's answer as the pipeline sent it: the only frame of a request that is not streamed. */
export type Answer =
  | { kind: 'response'; status: number; body: unknown }
  | {
      kind: 'error';
      status: number;
      code: ErrorCode;
      retryable: boolean;
      retryAfterMs?: number;
      body: unknown;
    };

const decoder = new TextDecoder();

function json(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
}

/** Reads an answer frame (live, or kept by the answers stream); anything else is not an answer. */
export function readAnswer(headers: MsgHdrs | undefined, data: Uint8Array): Answer | undefined {
  const kind = headers?.get(Headers.frame);
  const status = Number(headers?.get(Headers.status) || 0);
  if (kind === FrameKinds.response) return { kind: 'response', status: status || 200, body: json(data) };
  if (kind !== FrameKinds.error) return undefined;
  const raw = headers?.get(Headers.errorCode);
  const code: ErrorCode = isErrorCode(raw) ? raw : 'internal';
  const retryAfter = Number(headers?.get(Headers.retryAfterMs) || NaN);
  return {
    kind: 'error',
    status: status || new GatewayError(code, '').status,
    code,
    retryable: new GatewayError(code, '').retryable,
    ...(Number.isFinite(retryAfter) && { retryAfterMs: retryAfter }),
    body: json(data),
  };
}
