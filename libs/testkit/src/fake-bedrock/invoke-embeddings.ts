import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from '../fake-openai/embeddings.js';
import { countWords } from '../fake-openai/message-text.js';
import { FAILURES, sendBedrockError, validationError } from './bedrock-errors.js';
import type { FakeResponse } from './fake-response.js';

export interface InvokeContext {
  res: FakeResponse;
  signal: AbortSignal;
  requestId: string;
}

const TITAN_FIELDS = new Set(['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
const TITAN_DIMENSIONS = new Set([256, 512, 1024]);
const malformed = (detail: string) =>
  validationError(`Malformed input request: ${detail}, please reformat your input and try again.`);

/** Titan Text Embeddings v2's schema checks, worded as Bedrock words them; undefined when valid. */
function checkTitan(body: Record<string, unknown>): ReturnType<typeof validationError> | undefined {
  const extra = Object.keys(body).find((k) => !TITAN_FIELDS.has(k));
  if (extra !== undefined) return malformed(`#: extraneous key [${extra}] is not permitted`);
  if (typeof body['inputText'] !== 'string') return malformed('#: required key [inputText] not found');
  if (body['inputText'] === '') return malformed('#/inputText: expected minLength: 1, actual: 0');
  const dims = body['dimensions'];
  if (dims !== undefined && !TITAN_DIMENSIONS.has(dims as number)) {
    return malformed(`#/dimensions: ${JSON.stringify(dims)} is not a valid enum value`);
  }
  if (body['normalize'] !== undefined && typeof body['normalize'] !== 'boolean') {
    return malformed(`#/normalize: expected type: Boolean, found: ${typeof body['normalize']}`);
  }
  const types = body['embeddingTypes'];
  if (types !== undefined && !(Array.isArray(types) && types.every((t) => t === 'float' || t === 'binary'))) {
    return malformed('#/embeddingTypes: expected float or binary');
  }
  return undefined;
}

/**
 * `POST /model/{modelId}/invoke` as Amazon Titan Text Embeddings v2 answers it:
 * `{embedding, inputTextTokenCount}` (and `embeddingsByType` when asked), one deterministic unit
 * vector of `dimensions` (8 when absent, to keep answers readable; Titan's own default is 1024),
 * words counted as tokens. The model id picks the behaviour: fail-<status>[-…], hang, slow-<ms>.
 */
export async function handleInvokeEmbeddings(
  modelId: string,
  body: Record<string, unknown>,
  ctx: InvokeContext,
): Promise<void> {
  const { res, signal, requestId } = ctx;
  const failure = FAILURES[modelId];
  if (failure) return sendBedrockError(res, failure, requestId);
  if (modelId === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(modelId);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });
  const invalid = checkTitan(body);
  if (invalid) return sendBedrockError(res, invalid, requestId);

  const text = body['inputText'] as string;
  const embedding = fakeEmbedding(
    text,
    (body['dimensions'] as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS,
  );
  const tokens = countWords(text);
  const types = (body['embeddingTypes'] as string[] | undefined) ?? [];
  const answer: Record<string, unknown> = { embedding, inputTextTokenCount: tokens };
  if (types.length > 0) {
    answer['embeddingsByType'] = Object.fromEntries(
      types.map((t) => [t, t === 'float' ? embedding : embedding.map((x) => (x > 0 ? 1 : 0))]),
    );
  }
  const json = JSON.stringify(answer);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
    'x-amzn-bedrock-input-token-count': tokens,
    'x-amzn-bedrock-invocation-latency': 1,
  });
  res.end(json);
}
