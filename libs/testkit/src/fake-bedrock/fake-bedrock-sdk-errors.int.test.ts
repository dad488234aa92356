import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ModelStreamErrorException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, type FakeBedrock } from './start-fake-bedrock.js';
import { verifySigV4 } from './verify-sigv4.js';

// The fake's failures, as AWS's own SDK sees them: typed exceptions, in-stream exceptions, 403s.
const REGION = 'eu-central-1';
const credentials = {
  accessKeyId: 'AKIAFAKEBEDROCK0002',
  secretAccessKey: 'fake/secret+key',
  sessionToken: 'tok',
};

let fake: FakeBedrock;
let client: BedrockRuntimeClient;
const clientWith = (creds: typeof credentials, region = REGION) =>
  new BedrockRuntimeClient({ region, endpoint: fake.url, credentials: creds, maxAttempts: 1 });

beforeAll(async () => {
  fake = await startFakeBedrock({ region: REGION, credentials });
  client = clientWith(credentials);
});
afterAll(async () => {
  client?.destroy();
  await fake?.stop();
});

const user = (text: string): Message => ({ role: 'user', content: [{ text }] });

describe('startFakeBedrock failures with @aws-sdk/client-bedrock-runtime', () => {
  it.each([
    ['fail-400', ValidationException, 400],
    ['fail-403', AccessDeniedException, 403],
    ['fail-404', ResourceNotFoundException, 404],
    ['fail-429', ThrottlingException, 429],
  ])('fails %s as the SDK’s typed exception', async (modelId, type, status) => {
    const err = await client
      .send(new ConverseCommand({ modelId, messages: [user('x')] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as ThrottlingException).$metadata.httpStatusCode).toBe(status);
  });

  it('refuses what Bedrock refuses, in its words', async () => {
    const err = await client
      .send(
        new ConverseCommand({ modelId: 'm', messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationException);
    expect((err as Error).message).toMatch(/must start with a user message/);
  });

  it('raises a throttlingException in the middle of a stream, after the first events', async () => {
    const out = await client.send(
      new ConverseStreamCommand({ modelId: 'stream-throttle', messages: [user('a b c d')] }),
    );
    const seen: ConverseStreamOutput[] = [];
    const err = await (async () => {
      for await (const event of out.stream ?? []) seen.push(event);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(seen.length).toBe(3);
  });

  it('raises a modelStreamErrorException with the original status', async () => {
    const out = await client.send(
      new ConverseStreamCommand({ modelId: 'stream-error', messages: [user('a b')] }),
    );
    const err = await (async () => {
      for await (const event of out.stream ?? []) void event;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelStreamErrorException);
    expect(err).toMatchObject({ originalStatusCode: 500 });
  });

  it('rejects a wrong secret, a wrong key id and a wrong region with 403s', async () => {
    const wrongSecret = clientWith({ ...credentials, secretAccessKey: 'not-the-secret' });
    const err = await wrongSecret
      .send(new ConverseCommand({ modelId: 'm', messages: [user('x')] }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidSignatureException');
    expect((err as ThrottlingException).$metadata.httpStatusCode).toBe(403);

    const wrongKey = clientWith({ ...credentials, accessKeyId: 'AKIAUNKNOWN' });
    const unknown = await wrongKey
      .send(new ConverseCommand({ modelId: 'm', messages: [user('x')] }))
      .catch((e: unknown) => e);
    // Not a modelled Bedrock exception: the SDK raises it by name.
    expect((unknown as Error).name).toBe('UnrecognizedClientException');

    const wrongRegion = clientWith(credentials, 'us-west-2');
    const scoped = await wrongRegion
      .send(new ConverseCommand({ modelId: 'm', messages: [user('x')] }))
      .catch((e: unknown) => e);
    expect((scoped as Error).message).toMatch(/scoped to a valid region/);
    [wrongSecret, wrongKey, wrongRegion].forEach((c) => c.destroy());
  });

  it('checks the SDK’s signature for real: a changed body or a stale date is refused', async () => {
    await client.send(new ConverseCommand({ modelId: 'm', messages: [user('sign me')] }));
    const seen = fake.requests.at(-1)!;
    const replay = (body: string, now?: Date) =>
      verifySigV4(
        { method: 'POST', url: seen.path, headers: seen.headers, body: Buffer.from(body) },
        { region: REGION, credentials, ...(now ? { now } : {}) },
      );
    const sent = JSON.stringify(seen.body);
    expect(replay(sent)).toBeUndefined();
    expect(replay(sent.replace('sign me', 'sign it'))?.type).toBe('InvalidSignatureException');
    expect(replay(sent, new Date(Date.now() + 20 * 60_000))?.message).toMatch(/^Signature expired/);
  });
});
