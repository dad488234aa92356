import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, type FakeBedrock } from './start-fake-bedrock.js';

// What a client that does not sign, or signs badly, gets: Bedrock's 403s, over HTTP/1.1.
let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock({ credentials: { accessKeyId: 'AKIDWIRE', secretAccessKey: 'secret' } });
});
afterAll(() => fake?.stop());

const post = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
  });

describe('startFakeBedrock refuses unsigned calls as Bedrock does', () => {
  it('answers an unsigned call with 403 MissingAuthenticationTokenException, and records it', async () => {
    const res = await post('/model/amazon.nova-micro-v1%3A0/converse');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(fake.requests.at(-1)).toMatchObject({ modelId: 'amazon.nova-micro-v1:0', operation: 'converse' });
  });

  it('refuses a bearer token or a signature without its parts as an incomplete signature', async () => {
    for (const authorization of [
      'Bearer sk-123',
      'AWS4-HMAC-SHA256 Credential=AKIDWIRE/20240101/us-east-1/bedrock/aws4_request',
    ]) {
      const res = await post('/model/m/converse', { authorization, 'x-amz-date': '20240101T000000Z' });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toMatch(/^IncompleteSignatureException:/);
    }
  });

  it('refuses a signature scoped to another service', async () => {
    const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const authorization =
      `AWS4-HMAC-SHA256 Credential=AKIDWIRE/${now.slice(0, 8)}/us-east-1/s3/aws4_request, ` +
      `SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    const res = await post('/model/m/converse', { authorization, 'x-amz-date': now });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toBe(
      "Credential should be scoped to correct service: 'bedrock'.",
    );
  });
});
