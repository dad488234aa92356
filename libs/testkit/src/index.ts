// @switchyard/testkit: real infrastructure and fake providers for tests. Named exports only.
export type { ServiceHandle } from './service-handle.js';
export type { StartServiceOptions } from './infra/start-service.js';
export { startNats } from './start-nats.js';
export type { StartNatsOptions } from './start-nats.js';
export { startRedis, type RedisHandle } from './start-redis.js';
export { startFakeOpenAI } from './fake-openai/start-fake-openai.js';
export type { FakeOpenAI, FakeOpenAIOptions, RecordedRequest } from './fake-openai/start-fake-openai.js';
export type { OpenAIErrorBody } from './fake-openai/openai-errors.js';
export { loadOpenAISpec } from './openai-spec/load-openai-spec.js';
export type { OpenAISpec, OpenAISpecMissing } from './openai-spec/load-openai-spec.js';
export { expectMatchesOpenAISpec } from './openai-spec/expect-matches-openai-spec.js';
export { startStageHarness } from './pipeline/start-stage-harness.js';
export type { StageHarness, StageHarnessOptions } from './pipeline/start-stage-harness.js';
export type { RecordedMessage, RecordingStageOptions } from './pipeline/start-recording-stage.js';
export { sendRequest } from './pipeline/send-request.js';
export type { SendRequestOptions } from './pipeline/send-request.js';
export { waitUntil } from './wait-until.js';
export type { WaitUntilOptions } from './wait-until.js';
export { startFakeAzureOpenAI } from './fake-azure-openai/start-fake-azure-openai.js';
export type { FakeAzureOpenAI, FakeAzureOpenAIOptions } from './fake-azure-openai/start-fake-azure-openai.js';
export { startFakeBedrock } from './fake-bedrock/start-fake-bedrock.js';
export type {
  FakeBedrock,
  FakeBedrockOptions,
  RecordedBedrockRequest,
} from './fake-bedrock/start-fake-bedrock.js';
export type { FakeAwsCredentials } from './fake-bedrock/verify-sigv4.js';
export { startFakeGemini } from './fake-gemini/start-fake-gemini.js';
export type { FakeGemini, FakeGeminiOptions } from './fake-gemini/start-fake-gemini.js';
export { startFakeAnthropic } from './fake-anthropic/start-fake-anthropic.js';
export type { FakeAnthropic, FakeAnthropicOptions } from './fake-anthropic/start-fake-anthropic.js';
export type { AnthropicErrorBody } from './fake-anthropic/anthropic-errors.js';
export { startFakeOllama } from './fake-ollama/start-fake-ollama.js';
export type { FakeOllama, FakeOllamaOptions } from './fake-ollama/start-fake-ollama.js';
export { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from './fake-openai/embeddings.js';
export { startFakeMistral } from './fake-mistral/start-fake-mistral.js';
export type { FakeMistral, FakeMistralOptions } from './fake-mistral/start-fake-mistral.js';
export { startFakeCohere } from './fake-cohere/start-fake-cohere.js';
export type { FakeCohere, FakeCohereOptions } from './fake-cohere/start-fake-cohere.js';
export { getFreePort } from './infra/free-port.js';
