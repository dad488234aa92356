import type { Frame } from '@switchyard/bus';
import {
  ANSWER_HEADER_PREFIX,
  FrameKinds,
  toOpenAIErrorBody,
  type GatewayError,
} from '@switchyard/contracts';
import { errorOfFrame } from '../relay/dialect.js';
import type { RequestId } from './client-frame.js';

/**
 * What the server sends: JSON text frames. A reply frame's body (a chunk, a whole answer) is
 * spliced in as the bytes the pipeline sent, never parsed: `{"type":"chunk","id":…,"data":<bytes>}`.
 */
export type ServerFrame = Buffer | string;

const CLOSE = Buffer.from('}');
const NULL = Buffer.from('null');

export const READY_FRAME = '{"type":"ready"}';

/** The HTTP headers this request's answer would carry: its request id, and what the stages asked (`sy-answer-*`). */
export function answerHeaders(requestId: string, frame?: Frame): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  const h = frame?.headers;
  if (h === undefined) return headers;
  for (const name of h.keys()) {
    if (name.startsWith(ANSWER_HEADER_PREFIX)) headers[name.slice(ANSWER_HEADER_PREFIX.length)] = h.get(name);
  }
  return headers;
}

/** `"id":…` and, on a request's first frame, `"headers":{…}`. */
function head(type: string, id: RequestId, headers: Record<string, string> | undefined): string {
  const h = headers === undefined ? '' : `,"headers":${JSON.stringify(headers)}`;
  return `{"type":"${type}","id":${JSON.stringify(id)}${h}`;
}

const withData = (prefix: string, data: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(`${prefix},"data":`), data.byteLength === 0 ? NULL : data, CLOSE]);

/** An error frame; `id` is absent when the error belongs to no request (a frame that named none). */
export function errorFrame(
  id: RequestId | undefined,
  err: GatewayError,
  headers?: Record<string, string>,
  status = err.status,
): string {
  return JSON.stringify({
    type: 'error',
    id,
    status,
    error: toOpenAIErrorBody(err).error,
    retry_after_ms: err.retryAfterMs,
    headers,
  });
}

/** One reply frame of the pipeline as the frame the client gets. */
export function toServerFrame(id: RequestId, frame: Frame, headers?: Record<string, string>): ServerFrame {
  switch (frame.kind) {
    case FrameKinds.chunk:
      return withData(head('chunk', id, headers), frame.data);
    case FrameKinds.done:
      return `${head('done', id, headers)}}`;
    case FrameKinds.response:
      return withData(`${head('response', id, headers)},"status":${frame.status ?? 200}`, frame.data);
    case FrameKinds.error: {
      const status = frame.status;
      const valid = status !== undefined && Number.isInteger(status) && status >= 400 && status <= 599;
      const err = errorOfFrame(frame);
      return errorFrame(id, err, headers, valid ? status : err.status);
    }
  }
}
