import { randomUUID } from 'node:crypto';
import { decodeFrame, natsHeaders, type NatsConnection } from '@switchyard/bus';
import {
  CallerHeaders,
  FrameKinds,
  GatewayError,
  Headers,
  Ops,
  Subjects,
  fromOpenAIErrorBody,
  isGatewayError,
} from '@switchyard/contracts';
import { ownerOf } from '../domain/batch-record.js';

const AUTH_TIMEOUT_MS = 10_000;

/**
 * Whether policy accepts the key, asked the way any request asks: a `models` request through the
 * public entry with that key (the batch service holds no keys). Resolves with the key's owner id,
 * or throws policy's refusal (401 and so on).
 */
export async function authenticate(nc: NatsConnection, authorization: string | undefined): Promise<string> {
  if (authorization === undefined)
    throw new GatewayError('unauthenticated', "You didn't provide an API key: Authorization: Bearer <key>.");
  const h = natsHeaders();
  h.set(Headers.authorization, authorization);
  h.set(CallerHeaders.requestId, randomUUID());
  let reply;
  try {
    reply = await nc.request(Subjects.entry(Ops.models), new Uint8Array(0), {
      headers: h,
      timeout: AUTH_TIMEOUT_MS,
    });
  } catch {
    throw new GatewayError(
      'unavailable',
      'The gateway could not check the key: is the policy service running?',
    );
  }
  const frame = decodeFrame(reply);
  if (isGatewayError(frame)) throw frame;
  if (frame.kind === FrameKinds.error)
    throw fromOpenAIErrorBody(frame.errorCode, JSON.parse(new TextDecoder().decode(frame.data)));
  return ownerOf(authorization);
}
