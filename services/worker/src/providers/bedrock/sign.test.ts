import { describe, expect, it } from 'vitest';
import { createSigner, type AwsCredentials } from './sign.js';

const NOW = new Date('2024-05-06T07:08:09.123Z');
const KEYS: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const headers = { 'content-type': 'application/json', accept: 'application/json' };
const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'héllo ✓' }] }] });

describe('createSigner (SigV4 with @smithy/signature-v4)', () => {
  it('adds host, x-amz-date and an authorization over every header sent', async () => {
    const host = 'bedrock-runtime.eu-west-3.amazonaws.com';
    const signed = await createSigner({ region: 'eu-west-3', service: 'bedrock', credentials: KEYS })(
      { method: 'POST', host, path: '/model/amazon.nova-lite-v1%3A0/converse', headers, body },
      NOW,
    );
    expect(signed['host']).toBe(host);
    expect(signed['x-amz-date']).toBe('20240506T070809Z');
    expect(signed['content-type']).toBe('application/json');
    expect(signed['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240506\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs the session token and a non-default port', async () => {
    const credentials = { ...KEYS, sessionToken: 'FwoGZXIvYXdzEBYaDH session token' };
    const signed = await createSigner({ region: 'us-east-1', service: 'bedrock', credentials })(
      { method: 'POST', host: '127.0.0.1:4566', path: '/model/m/converse', headers, body },
      NOW,
    );
    expect(signed['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(signed['host']).toBe('127.0.0.1:4566');
    expect(signed['authorization']).toContain(
      'SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token,',
    );
  });

  it('changes the signature when the body, the secret, the path or the day changes', async () => {
    const sign = async (secret: string, b: string, path: string, now: Date): Promise<string> =>
      (
        await createSigner({
          region: 'us-east-1',
          service: 'bedrock',
          credentials: { ...KEYS, secretAccessKey: secret },
        })({ method: 'POST', host: 'h', path, headers, body: b }, now)
      )['authorization']!;
    const base = await sign('s1', body, '/model/m/converse', NOW);
    expect(await sign('s1', body, '/model/m/converse', NOW)).toBe(base);
    expect(await sign('s2', body, '/model/m/converse', NOW)).not.toBe(base);
    expect(await sign('s1', `${body} `, '/model/m/converse', NOW)).not.toBe(base);
    expect(await sign('s1', body, '/model/m%3A0/converse', NOW)).not.toBe(base);
    const tomorrow = new Date(NOW.getTime() + 86_400_000);
    expect(await sign('s1', body, '/model/m/converse', tomorrow)).toContain(
      '/20240507/us-east-1/bedrock/aws4_request',
    );
  });
});
