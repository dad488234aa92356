// @switchyard/testkit: real infrastructure and fake providers for tests. Named exports only.
export type { ServiceHandle } from './service-handle.js';
export type { StartServiceOptions } from './infra/start-service.js';
export { startNats } from './start-nats.js';
export type { StartNatsOptions } from './start-nats.js';
export { startRedis } from './start-redis.js';
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
