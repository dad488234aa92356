import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { toBedrockRequest, toBedrockTarget, type BedrockConfig } from './http-request.js';

const config = (extra: Partial<BedrockConfig> = {}): BedrockConfig => ({
  type: 'bedrock',
  region: 'eu-west-1',
  access_key_id: 'AKIDEXAMPLE',
  secret_access_key: 'secret',
  headers: {},
  connections: 4,
  drop_params: false,
  ...extra,
});
const call = (model: string, stream: boolean): ProviderCall => ({
  providerId: 'aws',
  upstreamModel: model,
  stream,
  includeUsage: false,
  body: { messages: [{ role: 'user', content: 'hi' }] },
  signal: new AbortController().signal,
});
const NOW = new Date('2025-01-02T03:04:05Z');

describe('toBedrockTarget', () => {
  it('defaults to the regional runtime endpoint, or takes a VPC endpoint with its path', () => {
    expect(toBedrockTarget(config())).toMatchObject({
      origin: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      host: 'bedrock-runtime.eu-west-1.amazonaws.com',
      basePath: '',
    });
    expect(toBedrockTarget(config({ base_url: 'http://vpce-1.example:8443/bedrock/' }))).toMatchObject({
      origin: 'http://vpce-1.example:8443',
      host: 'vpce-1.example:8443',
      basePath: '/bedrock',
    });
  });
});

describe('toBedrockRequest', () => {
  it('posts to /model/{id}/converse with the id encoded as one segment, signed', async () => {
    const arn =
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0';
    const spec = await toBedrockRequest(toBedrockTarget(config()), call(arn, false), NOW);
    expect(spec.path).toBe(`/model/${encodeURIComponent(arn)}/converse`);
    expect(spec.path.split('/')).toHaveLength(4);
    expect(JSON.parse(spec.body)).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(spec.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      host: 'bedrock-runtime.eu-west-1.amazonaws.com',
      'x-amz-date': '20250102T030405Z',
    });
    expect(spec.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250102\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(spec.headers).not.toHaveProperty('x-amz-security-token');
  });

  it('streams from /converse-stream asking for the event stream, with the session token and extra headers signed', async () => {
    const target = toBedrockTarget(
      config({ session_token: 'tok', headers: { 'X-Team': 'search' }, base_url: 'http://127.0.0.1:9/p' }),
    );
    const spec = await toBedrockRequest(target, call('amazon.nova-pro-v1:0', true), NOW);
    expect(spec.path).toBe('/p/model/amazon.nova-pro-v1%3A0/converse-stream');
    expect(spec.headers).toMatchObject({
      accept: 'application/vnd.amazon.eventstream',
      'x-amz-security-token': 'tok',
      // Sent as configured; HTTP header names are case-insensitive and SigV4 signs them lowercased.
      'X-Team': 'search',
    });
    expect(spec.headers['authorization']).toContain(
      'SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token;x-team,',
    );
  });

  it('refuses before signing when the request cannot be translated', () => {
    const bad = { ...call('m', false), body: { messages: [{ role: 'user', content: 'hi' }], seed: 1 } };
    expect(() => toBedrockRequest(toBedrockTarget(config()), bad, NOW)).toThrow(
      expect.objectContaining({ param: 'seed' }),
    );
  });
});
