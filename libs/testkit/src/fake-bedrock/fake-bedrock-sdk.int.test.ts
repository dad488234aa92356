import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, type FakeBedrock } from './start-fake-bedrock.js';

// The fake is only trusted once AWS's own SDK, used straight against it, accepts what it sends:
// the signatures it makes, answers and event streams (failures: fake-bedrock-sdk-errors).
const REGION = 'eu-central-1';
const credentials = {
  accessKeyId: 'AKIAFAKEBEDROCK0001',
  secretAccessKey: 'fake/secret+key',
  sessionToken: 'session-tok',
};
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const weatherTool: Tool = {
  toolSpec: {
    name: 'get_weather',
    description: 'Weather by city',
    inputSchema: { json: { type: 'object', properties: { location: { type: 'string' } } } },
  },
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

async function collect(
  stream: AsyncIterable<ConverseStreamOutput> | undefined,
): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

describe('startFakeBedrock with @aws-sdk/client-bedrock-runtime', () => {
  it('answers Converse to a signed SDK call, recording the decoded model id', async () => {
    const out = await client.send(
      new ConverseCommand({
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        system: [{ text: 'Be brief please.' }],
        messages: [user('hello there')],
        inferenceConfig: { maxTokens: 100, temperature: 0.5 },
      }),
    );
    expect(out.output?.message).toEqual({ role: 'assistant', content: [{ text: 'Echo: hello there' }] });
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage).toEqual({
      inputTokens: 2,
      outputTokens: 3,
      totalTokens: 8,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 3,
    });
    expect(out.metrics?.latencyMs).toBe(42);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({
      path: '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse',
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      operation: 'converse',
    });
    expect(seen.headers['x-amz-security-token']).toBe('session-tok');
    expect(seen.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK0001/\\d{8}/${REGION}/bedrock/aws4_request, SignedHeaders=`,
      ),
    );
  });

  it('reads the same system prompt from its cache the second time', async () => {
    const send = () =>
      client.send(
        new ConverseCommand({
          modelId: 'm',
          system: [{ text: 'Cached system prompt here.' }],
          messages: [user('x')],
        }),
      );
    await send();
    const second = await send();
    expect(second.usage).toMatchObject({
      cacheReadInputTokens: 4,
      cacheWriteInputTokens: 0,
      totalTokens: 1 + 2 + 4,
    });
  });

  it('streams events the SDK parses, text in order, usage in metadata last', async () => {
    const out = await client.send(
      new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [user('one two three')] }),
    );
    const events = await collect(out.stream);
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe('Echo: one two three');
    expect(events.at(-2)).toEqual({ messageStop: { stopReason: 'end_turn' } });
    expect(events.at(-1)?.metadata?.usage).toMatchObject({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    expect(fake.requests.at(-1)).toMatchObject({
      operation: 'converse-stream',
      modelId: 'amazon.nova-lite-v1:0',
    });
  });

  it('calls tools in parallel: text, then one toolUse block per city, streamed as partial JSON', async () => {
    const request = {
      modelId: 'm',
      messages: [user('What is the weather in Oslo and Paris?')],
      toolConfig: { tools: [weatherTool] },
    };
    const whole = await client.send(new ConverseCommand(request));
    expect(whole.stopReason).toBe('tool_use');
    expect(whole.output?.message?.content).toEqual([
      { text: 'Let me check the weather.' },
      { toolUse: { toolUseId: 'tooluse_fake_weather_0', name: 'get_weather', input: { location: 'Oslo' } } },
      { toolUse: { toolUseId: 'tooluse_fake_weather_1', name: 'get_weather', input: { location: 'Paris' } } },
    ]);

    const events = await collect((await client.send(new ConverseStreamCommand(request))).stream);
    const starts = events.flatMap((e) => (e.contentBlockStart ? [e.contentBlockStart] : []));
    expect(starts).toEqual([
      {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 'tooluse_fake_weather_0', name: 'get_weather' } },
      },
      {
        contentBlockIndex: 2,
        start: { toolUse: { toolUseId: 'tooluse_fake_weather_1', name: 'get_weather' } },
      },
    ]);
    const input = (block: number) =>
      events
        .filter((e) => e.contentBlockDelta?.contentBlockIndex === block)
        .map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '')
        .join('');
    expect(JSON.parse(input(2))).toEqual({ location: 'Paris' });
    expect(events.at(-2)).toEqual({ messageStop: { stopReason: 'tool_use' } });
  });

  it('answers a tool result and describes an image it was sent', async () => {
    const toolUse = { toolUseId: 't1', name: 'get_weather', input: { location: 'Oslo' } };
    const afterTool = await client.send(
      new ConverseCommand({
        modelId: 'm',
        toolConfig: { tools: [weatherTool] },
        messages: [
          user('weather in Oslo?'),
          { role: 'assistant', content: [{ toolUse }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: { temp: 21 } }] } }] },
        ],
      }),
    );
    expect(afterTool.output?.message?.content).toEqual([{ text: 'The tool said: {"temp":21}' }]);

    const image = await client.send(
      new ConverseCommand({
        modelId: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { text: 'what is this?' },
              { image: { format: 'png', source: { bytes: Buffer.from(PNG_1X1, 'base64') } } },
            ],
          },
        ],
      }),
    );
    expect(image.output?.message?.content).toEqual([{ text: 'Echo: what is this? [png image, 68 bytes]' }]);
  });

  it('cuts at a stop sequence or at maxTokens, with the matching stop reason', async () => {
    const cut = (inferenceConfig: object) =>
      client.send(
        new ConverseCommand({ modelId: 'm', messages: [user('alpha beta gamma delta')], inferenceConfig }),
      );
    const stopped = await cut({ stopSequences: ['gamma'] });
    expect([stopped.stopReason, stopped.output?.message?.content]).toEqual([
      'stop_sequence',
      [{ text: 'Echo: alpha beta ' }],
    ]);
    const capped = await cut({ maxTokens: 2 });
    expect([capped.stopReason, capped.output?.message?.content]).toEqual([
      'max_tokens',
      [{ text: 'Echo: alpha' }],
    ]);
  });
});
