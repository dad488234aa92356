import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SigningScope {
  region: string;
  /** `bedrock` for the Bedrock runtime API. */
  service: string;
  credentials: AwsCredentials;
}

export interface RequestToSign {
  method: string;
  /** `host[:port]`, exactly as the Host header will carry it. */
  host: string;
  /** The path as sent on the wire, already URI-encoded (`/model/a%3A0/converse`). */
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: encodeURIComponent leaves `!'()*` alone. */
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Every service but S3 signs the path encoded a second time: `/model/a%3A0` is signed as
 * `/model/a%253A0`. Forgetting it works until a model id has a `:` — which most Bedrock ids do.
 */
const canonicalPath = (path: string): string => path.split('/').map(uriEncode).join('/');

/** `20240101T120000Z`, the ISO basic format SigV4 uses. */
const amzDate = (now: Date): string => now.toISOString().replace(/[-:]|\.\d{3}/g, '');

/**
 * AWS Signature Version 4 over node:crypto, synchronous because the executor builds each request
 * synchronously (`toRequest`), and signing needs the final body and headers. Returns the headers
 * to send: the given ones, `host`, `x-amz-date`, `x-amz-security-token` with a session token, and
 * `authorization`. Every header sent is signed. Checked against `@smithy/signature-v4` in tests.
 */
export function createSigner(
  scope: SigningScope,
): (request: RequestToSign, now?: Date) => Record<string, string> {
  const { region, service, credentials } = scope;
  // The signing key changes once a day: derived once per date, not four HMACs per request.
  let keyDate = '';
  let signingKey: Buffer = Buffer.alloc(0);
  const keyFor = (date: string): Buffer => {
    if (date !== keyDate) {
      const kDate = hmac(`AWS4${credentials.secretAccessKey}`, date);
      signingKey = hmac(hmac(hmac(kDate, region), service), 'aws4_request');
      keyDate = date;
    }
    return signingKey;
  };

  return (request, now = new Date()) => {
    const longDate = amzDate(now);
    const date = longDate.slice(0, 8);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers['host'] = request.host;
    headers['x-amz-date'] = longDate;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    delete headers['authorization'];

    const names = Object.keys(headers).sort();
    const canonicalHeaders = names
      .map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`)
      .join('');
    const signedHeaders = names.join(';');
    const canonicalRequest = [
      request.method.toUpperCase(),
      canonicalPath(request.path),
      '', // no query string: Converse takes everything in the body
      canonicalHeaders,
      signedHeaders,
      sha256Hex(request.body),
    ].join('\n');
    const credentialScope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', longDate, credentialScope, sha256Hex(canonicalRequest)].join(
      '\n',
    );
    const signature = createHmac('sha256', keyFor(date)).update(stringToSign, 'utf8').digest('hex');
    headers['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  };
}
