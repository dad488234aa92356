import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authFailure, type BedrockFailure } from './bedrock-errors.js';

export interface FakeAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it in `x-amz-security-token` (temporary credentials). */
  sessionToken?: string;
}

export interface SigV4Check {
  region: string;
  /** Without credentials only the shape of the signature is checked, not its value. */
  credentials?: FakeAwsCredentials | undefined;
  now?: Date;
}

export interface SignedRequest {
  method: string;
  /** The path and query as received, still URI-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.:-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;
const MAX_SKEW_MS = 15 * 60_000;

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  // Over HTTP/2 the host travels as the `:authority` pseudo-header.
  const v = headers[name] ?? (name === 'host' ? headers[':authority'] : undefined);
  return Array.isArray(v) ? v.join(',') : v;
};
const parseAmzDate = (d: string): number =>
  Date.parse(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );

const invalidSignature = (message: string) => authFailure('InvalidSignatureException', message);
const incomplete = (message: string) => authFailure('IncompleteSignatureException', message);
const unrecognized = () =>
  authFailure('UnrecognizedClientException', 'The security token included in the request is invalid.');

/**
 * Checks a request's AWS Signature Version 4 as Bedrock does, answering with the 403 Bedrock
 * sends when it fails: missing, malformed, wrongly scoped, stale, unknown key, or a signature that
 * does not match. The signature is recomputed from the request as received (path encoded twice,
 * as every service but S3 signs it). Undefined when the request is properly signed.
 */
export function verifySigV4(request: SignedRequest, check: SigV4Check): BedrockFailure | undefined {
  const auth = header(request.headers, 'authorization');
  if (!auth) return authFailure('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTHORIZATION.exec(auth);
  if (!m) {
    return incomplete(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=" +
        auth.split(' ')[0],
    );
  }
  const [, keyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  const amzDate = header(request.headers, 'x-amz-date') ?? '';
  const dateMatch = AMZ_DATE.exec(amzDate);
  if (!dateMatch)
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (dateMatch[1] !== date)
    return invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${dateMatch[1]}'`,
    );
  if (region !== check.region)
    return invalidSignature(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== 'bedrock')
    return invalidSignature("Credential should be scoped to correct service: 'bedrock'.");
  const names = signedHeaders!.split(';');
  // AWS's SDK signs `:authority` instead of `host` when it talks HTTP/2; either names the host.
  if (!names.includes('host') && !names.includes(':authority'))
    return incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (!names.includes('x-amz-date'))
    return incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  const now = (check.now ?? new Date()).getTime();
  if (Math.abs(now - parseAmzDate(amzDate)) > MAX_SKEW_MS) {
    return invalidSignature(
      `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes.`,
    );
  }
  const token = header(request.headers, 'x-amz-security-token');
  if (token !== undefined && !names.includes('x-amz-security-token')) {
    return incomplete("'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const { credentials } = check;
  if (!credentials) return undefined;
  if (keyId !== credentials.accessKeyId || token !== credentials.sessionToken) return unrecognized();

  const bodyHash = sha256Hex(request.body);
  const claimed = header(request.headers, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== bodyHash && claimed !== 'UNSIGNED-PAYLOAD') {
    return invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const [path = '/', query = ''] = request.url.split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) =>
      pair
        .split('=')
        .map((part) => uriEncode(decodeURIComponent(part)))
        .join('='),
    )
    .sort()
    .join('&');
  const canonicalRequest = [
    request.method,
    path.split('/').map(uriEncode).join('/'),
    canonicalQuery,
    names
      .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
      .join(''),
    signedHeaders,
    claimed ?? bodyHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date!), region!), service!),
    'aws4_request',
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    return invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
        'Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
}
