import { createHmac, timingSafeEqual } from 'node:crypto';
import { GatewayError, Headers } from '@switchyard/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';

const VERSION = 'v1';

/** What the signature vouches for: who the request acts as and what it may use, until when. */
const SIGNED_HEADERS = [
  Headers.requestId,
  Headers.keyId,
  Headers.team,
  Headers.model,
  Headers.allowedModels,
] as const;

function mac(headers: MsgHdrs, expiresAt: number, secret: string): Buffer {
  const hmac = createHmac('sha256', secret).update(VERSION);
  // Newline-separated: header values cannot hold one, so no two sets of values sign alike.
  for (const name of SIGNED_HEADERS) hmac.update(`\n${headers.get(name)}`);
  return hmac.update(`\n${expiresAt}`).digest();
}

/**
 * Stamps `sy-signature` on a request policy admitted: an HMAC-SHA256, keyed by
 * `policy.signing_secret`, over the request id, key id, team, model and allowed models, valid
 * until `expiresAt` (epoch ms, the request's deadline). Sign after the last of them is set.
 */
export function signRequest(headers: MsgHdrs, secret: string, expiresAt: number): void {
  headers.set(
    Headers.signature,
    `${VERSION}.${expiresAt}.${mac(headers, expiresAt, secret).toString('hex')}`,
  );
}

/** Why a request's signature was refused: the reason is for the log, never for the caller. */
export type SignatureProblem = 'missing' | 'malformed' | 'expired' | 'invalid';

/** Checks `sy-signature`; returns what is wrong with it, or undefined when policy signed these headers. */
export function checkRequestSignature(
  headers: MsgHdrs,
  secret: string,
  now: number,
): SignatureProblem | undefined {
  const value = headers.get(Headers.signature);
  if (value === '') return 'missing';
  const [version, expires, hex, ...rest] = value.split('.');
  const expiresAt = Number(expires);
  if (
    version !== VERSION ||
    rest.length > 0 ||
    !Number.isSafeInteger(expiresAt) ||
    !/^[0-9a-f]{64}$/.test(hex!)
  )
    return 'malformed';
  if (!timingSafeEqual(Buffer.from(hex!, 'hex'), mac(headers, expiresAt, secret))) return 'invalid';
  if (now >= expiresAt) return 'expired';
  return undefined;
}

/** The one answer a refused request gets, whatever the reason: a caller learns nothing to adjust a forgery by. */
export const unsignedRequestError = (): GatewayError =>
  new GatewayError('forbidden', 'The request was not admitted by the policy service.', {
    openaiCode: 'request_not_admitted',
  });
