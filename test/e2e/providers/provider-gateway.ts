import { expectMatchesOpenAISpec, startNats, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type TestGateway } from '../gateway.js';

/** A provider's fake (or several of them) as these tests start and stop it. */
export interface StartedFake {
  stop(): Promise<void>;
}

export interface ProviderGatewayOptions<F extends StartedFake> {
  /** The gateway's master key, which the client calls with. */
  master: string;
  startFake: () => Promise<F>;
  /** The config's `providers` and `models`, for the fake as started. */
  config: (fake: F) => { providers: Record<string, unknown>; models: Record<string, unknown> };
}

/** What a provider's e2e tests call: set before the first test of the file runs. */
export interface ProviderGateway<F extends StartedFake> {
  fake: F;
  gateway: TestGateway;
  /** The openai SDK, calling the gateway with the master key, without retries. */
  client: OpenAI;
}

/**
 * Before the file's tests: NATS, the provider's fake, and every gateway service with a config
 * for it; after them: all stopped again, gateway first.
 */
export function useProviderGateway<F extends StartedFake>(
  options: ProviderGatewayOptions<F>,
): ProviderGateway<F> {
  const env = {} as ProviderGateway<F>;
  let nats: ServiceHandle | undefined;
  let fake: F | undefined;
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    nats = await startNats();
    fake = await options.startFake();
    gateway = await startGateway(nats.url, {
      server: { port: 0, request_timeout_ms: 10_000 },
      master_key: options.master,
      ...options.config(fake),
    });
    env.fake = fake;
    env.gateway = gateway;
    env.client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: options.master, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await fake?.stop();
    await nats?.stop();
  });
  return env;
}

/** The body of the last request the fake received. */
export const lastBody = <T = Record<string, unknown>>(fake: { readonly requests: { body: unknown }[] }): T =>
  fake.requests.at(-1)!.body as T;

/** A function tool with one string parameter, as the fakes answer it. */
export const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
};

export interface ReadStream {
  text: string;
  finish: string | null | undefined;
  usage: OpenAI.CompletionUsage | null | undefined;
}

/**
 * Reads a stream to its end, expecting every chunk to be valid against OpenAI's spec: the text,
 * the last finish reason and the usage it carried.
 */
export async function readValidStream(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
): Promise<ReadStream> {
  const read: ReadStream = { text: '', finish: undefined, usage: undefined };
  for await (const chunk of stream) {
    expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
    read.text += chunk.choices[0]?.delta.content ?? '';
    read.finish = chunk.choices[0]?.finish_reason ?? read.finish;
    read.usage = chunk.usage ?? read.usage;
  }
  return read;
}

/**
 * Reads a stream's text into `seen` as it comes, so that a test can see what arrived before the
 * stream failed; rejects with what the SDK raised.
 */
export async function readText(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
  seen: { text: string },
): Promise<void> {
  for await (const chunk of stream) seen.text += chunk.choices[0]?.delta.content ?? '';
}
