import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

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

/**
 * AWS Signature Version 4 with AWS's own maintained signer (`@smithy/signature-v4`). Resolves to
 * the headers to send: the given ones, `host`, `x-amz-date`, `x-amz-security-token` with a session
 * token, and `authorization`. The signer escapes the already-encoded path once more, as every
 * service but S3 expects (`/model/a%3A0` is signed as `/model/a%253A0`).
 */
export function createSigner(
  scope: SigningScope,
): (request: RequestToSign, now?: Date) => Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: scope.credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  return async (request, now = new Date()) => {
    const [hostname, port] = request.host.split(':');
    const signed = await signer.sign(
      {
        method: request.method.toUpperCase(),
        protocol: 'https:',
        hostname: hostname!,
        ...(port ? { port: Number(port) } : {}),
        path: request.path,
        query: {},
        headers: { ...request.headers, host: request.host },
        body: request.body,
      },
      { signingDate: now },
    );
    return signed.headers;
  };
}
