import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { startFakeBedrock, type FakeBedrock } from './start-fake-bedrock.js';

// The fake's Titan embeddings are only trusted once AWS's own SDK, signing its InvokeModel calls,
// gets its answers and typed exceptions.
const REGION = 'us-west-2';
const credentials = { accessKeyId: 'AKIAFAKEBEDROCK0003', secretAccessKey: 'fake/secret+key' };
const TITAN = 'amazon.titan-embed-text-v2:0';

let fake: FakeBedrock;
let client: BedrockRuntimeClient;
beforeAll(async () => {
  fake = await startFakeBedrock({ region: REGION, credentials });
  client = new BedrockRuntimeClient({ region: REGION, endpoint: fake.url, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await fake?.stop();
});

const invoke = (modelId: string, body: object) =>
  client.send(
    new InvokeModelCommand({
      modelId,
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify(body),
    }),
  );

describe('startFakeBedrock InvokeModel (Titan Text Embeddings v2) with the AWS SDK', () => {
  it('answers a signed InvokeModel with Titan’s vector and token count', async () => {
    const out = await invoke(TITAN, { inputText: 'Hello, world', dimensions: 256, normalize: true });
    expect(out.contentType).toBe('application/json');
    const answer = JSON.parse(new TextDecoder().decode(out.body)) as Record<string, unknown>;
    expect(answer).toEqual({ embedding: fakeEmbedding('Hello, world', 256), inputTextTokenCount: 2 });
    expect(fake.requests.at(-1)).toMatchObject({
      modelId: TITAN,
      operation: 'invoke',
      path: `/model/${encodeURIComponent(TITAN)}/invoke`,
    });
  });

  it('answers embeddingsByType when asked', async () => {
    const out = await invoke(TITAN, { inputText: 'x', embeddingTypes: ['float', 'binary'] });
    const answer = JSON.parse(new TextDecoder().decode(out.body)) as {
      embeddingsByType: Record<string, number[]>;
    };
    expect(answer.embeddingsByType['float']).toEqual(fakeEmbedding('x'));
    expect(answer.embeddingsByType['binary']!.every((b) => b === 0 || b === 1)).toBe(true);
  });

  it('raises the SDK’s typed exceptions: Titan’s schema checks, fail-* models', async () => {
    const refused = (modelId: string, body: object) =>
      invoke(modelId, body).then(
        () => undefined,
        (e: unknown) => e,
      );
    const bad = await refused(TITAN, { inputText: 'x', dimensions: 100 });
    expect(bad).toBeInstanceOf(ValidationException);
    expect((bad as Error).message).toMatch(/#\/dimensions: 100 is not a valid enum value/);
    expect(await refused(TITAN, { texts: ['x'] })).toBeInstanceOf(ValidationException);
    expect(await refused('fail-429', { inputText: 'x' })).toBeInstanceOf(ThrottlingException);
  });
});
