import type { Frame } from '@switchyard/bus';
import { fromOpenAIErrorBody, type GatewayError } from '@switchyard/contracts';

/** The body of an error answer for `err` (its HTTP status stays the error's). */
export type ErrorBodyOf = (err: GatewayError, requestId: string) => unknown;

/**
 * Another API's dialect than OpenAI's (Anthropic's `/v1/messages`): the pipeline answers in the
 * canonical OpenAI shape and a route with a dialect has every reply translated on its way out.
 * Without one, frames are relayed as bytes, never parsed.
 */
export interface ReplyDialect {
  errorBody: ErrorBodyOf;
  /** A whole answer (a `response` frame's body) in the dialect. Throws a GatewayError when it cannot. */
  response(data: Uint8Array): string;
  /** A translator for one stream: it may keep state from chunk to chunk. */
  stream(requestId: string): StreamDialect;
}

/** Each method returns the bytes to write, already framed as server-sent events ('' for none). */
export interface StreamDialect {
  /** One `chunk` frame's body. Throws a GatewayError when it cannot be translated. */
  chunk(data: Uint8Array): string;
  /** The stream ended normally. */
  done(): string;
  /** The stream ended with an error: the last bytes written. */
  error(err: GatewayError): string;
}

/** An `error` frame (an OpenAI error body with our code in `sy-error-code`) as a GatewayError. */
export function errorOfFrame(frame: Frame): GatewayError {
  let body: unknown;
  try {
    body = JSON.parse(
      Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).toString(),
    );
  } catch {
    body = undefined;
  }
  return fromOpenAIErrorBody(frame.errorCode, body, frame.retryAfterMs);
}
