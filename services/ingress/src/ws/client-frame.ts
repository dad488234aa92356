import type { RawData } from 'ws';
import { GatewayError, Ops, type Op } from '@switchyard/contracts';

/** A request's id, chosen by the client: unique among its requests still running on the socket. */
export type RequestId = string | number;

export interface AuthFrame {
  type: 'auth';
  api_key: string;
}

export interface RequestFrame {
  type: 'request';
  id: RequestId;
  op: Op;
  body: unknown;
  /** HTTP-style request headers for this request (`x-switchyard-*`, `traceparent`, …), lower-cased. */
  headers: Record<string, string>;
}

export interface CancelFrame {
  type: 'cancel';
  id: RequestId;
}

/** A frame that is not one of the above: answered with an error frame (with the id when there was one). */
export interface InvalidFrame {
  type: 'invalid';
  id: RequestId | undefined;
  error: GatewayError;
}

export type ClientFrame = AuthFrame | RequestFrame | CancelFrame | InvalidFrame;

/** The ops a request frame may name; `models` is not one (the connection check uses it). */
const REQUEST_OPS: ReadonlySet<string> = new Set([Ops.chatCompletions, Ops.embeddings]);
const MAX_ID_LENGTH = 256;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isRequestId = (value: unknown): value is RequestId =>
  (typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH) || Number.isSafeInteger(value);

const invalid = (message: string, param: string | undefined, id?: RequestId): InvalidFrame => ({
  type: 'invalid',
  id,
  error: new GatewayError('invalid_request', message, param === undefined ? {} : { param }),
});

/** The request's headers, lower-cased; undefined when they are not an object of strings. */
function headersOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return {};
  if (!isRecord(value)) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') return undefined;
    headers[name.toLowerCase()] = v;
  }
  return headers;
}

/** Reads one WebSocket message as a client frame; never throws. */
export function parseClientFrame(data: RawData): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString() : data.toString());
  } catch {
    return invalid('We could not parse the frame: it is not valid JSON.', undefined);
  }
  if (!isRecord(value)) return invalid('A frame must be a JSON object with a "type".', 'type');
  const { type } = value;
  if (type === 'auth') {
    const key = value.api_key;
    if (typeof key !== 'string' || key.trim() === '') {
      return invalid("An 'auth' frame needs 'api_key': your Switchyard key.", 'api_key');
    }
    return { type, api_key: key.trim() };
  }
  if (type !== 'request' && type !== 'cancel') {
    return invalid(`Unknown frame type ${JSON.stringify(type)}: expected request, cancel or auth.`, 'type');
  }
  const { id } = value;
  if (!isRequestId(id)) {
    return invalid(
      `A '${type}' frame needs an 'id': a non-empty string (up to ${MAX_ID_LENGTH} characters) or an integer.`,
      'id',
    );
  }
  if (type === 'cancel') return { type, id };
  const op = value.op ?? Ops.chatCompletions;
  if (typeof op !== 'string' || !REQUEST_OPS.has(op)) {
    return invalid(`Unknown op ${JSON.stringify(op)}: expected chat.completions or embeddings.`, 'op', id);
  }
  const headers = headersOf(value.headers);
  if (headers === undefined) return invalid("'headers' must be an object of strings.", 'headers', id);
  return { type, id, op: op as Op, body: value.body, headers };
}
