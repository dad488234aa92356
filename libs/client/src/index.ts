export {
  SwitchyardClient,
  connectSwitchyard,
  type SwitchyardClientOptions,
  type RequestOptions,
  type ConnectSwitchyardOptions,
  type ConnectedSwitchyardClient,
} from './client.js';
export { SwitchyardError, isSwitchyardError, type SwitchyardErrorInit } from './switchyard-error.js';
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  OpenAIErrorBody,
} from '@switchyard/contracts';
export {
  SwitchyardBatchClient,
  type BatchClientOptions,
  type SubmitBatchOptions,
  type BatchList,
} from './batch-client.js';
export type { Batch, BatchRequestInput, BatchRequestOutput } from '@switchyard/contracts';
