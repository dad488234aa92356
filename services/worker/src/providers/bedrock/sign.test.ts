import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createSigner, type AwsCredentials } from './sign.js';

const NOW = new Date('2024-05-06T07:08:09.123Z');
const KEYS: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** What AWS's own signer produces for the same request: the reference our signature must equal. */
async function smithySign(
  credentials: AwsCredentials,
  region: string,
  host: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'bedrock',
    region,
    credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const [hostname, port] = host.split(':');
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: hostname!,
      ...(port ? { port: Number(port) } : {}),
      path,
      query: {},
      headers: { ...headers, host },
      body,
    },
    { signingDate: NOW },
  );
  return signed.headers;
}

describe('createSigner (SigV4)', () => {
  const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'héllo ✓' }] }] });
  const headers = { 'content-type': 'application/json', accept: 'application/json' };

  it.each([
    ['a plain model id', '/model/amazon.nova-lite-v1%3A0/converse', 'us-east-1'],
    [
      'a model id with a colon, streaming',
      '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream',
      'eu-west-3',
    ],
    [
      'an inference profile ARN (slashes encoded in one segment)',
      `/model/${encodeURIComponent('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0')}/converse`,
      'us-east-1',
    ],
    [
      "characters JavaScript's encoder leaves alone",
      `/model/${encodeURIComponent("it's(*)!")}/converse`,
      'us-west-2',
    ],
  ])('equals the AWS SDK signer for %s', async (_, path, region) => {
    const host = `bedrock-runtime.${region}.amazonaws.com`;
    const ours = createSigner({ region, service: 'bedrock', credentials: KEYS })(
      { method: 'POST', host, path, headers, body },
      NOW,
    );
    const theirs = await smithySign(KEYS, region, host, path, headers, body);
    expect(ours['authorization']).toBe(theirs['authorization']);
    expect(ours['x-amz-date']).toBe('20240506T070809Z');
    expect(ours['host']).toBe(host);
  });

  it('signs the session token and a non-default port, as the SDK does', async () => {
    const credentials = { ...KEYS, sessionToken: 'FwoGZXIvYXdzEBYaDH session token' };
    const host = '127.0.0.1:4566';
    const path = '/model/m/converse';
    const ours = createSigner({ region: 'us-east-1', service: 'bedrock', credentials })(
      { method: 'POST', host, path, headers, body },
      NOW,
    );
    const theirs = await smithySign(credentials, 'us-east-1', host, path, headers, body);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(ours['authorization']).toBe(theirs['authorization']);
    expect(ours['authorization']).toContain(
      'SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token,',
    );
  });

  it('changes the signature when the body, the secret or the day changes', () => {
    const sign = (secret: string, b: string, now: Date): string =>
      createSigner({
        region: 'us-east-1',
        service: 'bedrock',
        credentials: { ...KEYS, secretAccessKey: secret },
      })({ method: 'POST', host: 'h', path: '/model/m/converse', headers, body: b }, now)['authorization']!;
    const base = sign('s1', body, NOW);
    expect(sign('s2', body, NOW)).not.toBe(base);
    expect(sign('s1', `${body} `, NOW)).not.toBe(base);
    const tomorrow = new Date(NOW.getTime() + 86_400_000);
    expect(sign('s1', body, tomorrow)).toContain('/20240507/us-east-1/bedrock/aws4_request');
  });

  it('reuses one signer across days without keeping the old signing key', () => {
    const signer = createSigner({ region: 'us-east-1', service: 'bedrock', credentials: KEYS });
    const request = { method: 'POST', host: 'h', path: '/p', headers, body };
    const day1 = signer(request, NOW)['authorization'];
    const day2 = signer(request, new Date(NOW.getTime() + 86_400_000))['authorization'];
    expect(signer(request, NOW)['authorization']).toBe(day1);
    expect(day2).not.toBe(day1);
  });
});
