import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from '../fake-openai/embeddings.js';
import { sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import {
  failureFor,
  invalidArgument,
  modelNotFound,
  unknownField,
  type GeminiFailure,
} from './gemini-errors.js';
import { sendGeminiFailure } from './generate-content.js';

export interface BatchEmbedContext {
  res: ServerResponse;
  signal: AbortSignal;
  /** The key the caller sent, for failures that quote it. */
  apiKey: string;
  /** The model of the URL, without `models/`. */
  model: string;
  /** The model of the URL as named there: `models/…` or `tunedModels/…`. */
  name: string;
}

/** The Gemini API's limit on requests in one batch. */
export const MAX_BATCH_EMBED_REQUESTS = 100;
const REQUEST_FIELDS = ['model', 'content', 'taskType', 'title', 'outputDimensionality'];
const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

/** The text of each request, or the 400 the Gemini API answers for a request it cannot read. */
function textsOf(body: Record<string, unknown>, name: string): string[] | GeminiFailure {
  const extra = Object.keys(body).find((k) => k !== 'requests');
  if (extra !== undefined) return unknownField(extra, '');
  const requests = body['requests'];
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalidArgument('* BatchEmbedContentsRequest.requests: requests must not be empty.\n');
  }
  if (requests.length > MAX_BATCH_EMBED_REQUESTS) {
    return invalidArgument(
      `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_EMBED_REQUESTS} requests can be in one batch\n`,
    );
  }
  const texts: string[] = [];
  for (const [i, request] of requests.entries()) {
    const at = `requests[${i}]`;
    if (!isRecord(request)) return invalidArgument(`Invalid value at '${at}'.`);
    const bad = Object.keys(request).find((k) => !REQUEST_FIELDS.includes(k));
    if (bad !== undefined) return unknownField(bad, at);
    if (request['model'] !== name) {
      // Paraphrased: every request must name the model of the URL.
      return invalidArgument(
        `* BatchEmbedContentsRequest.${at}.model: the model of each request must be the model of the batch (${name}).\n`,
      );
    }
    const parts = isRecord(request['content']) ? request['content']['parts'] : undefined;
    const text = Array.isArray(parts) ? parts.map((p) => (isRecord(p) ? p['text'] : undefined)) : [];
    if (text.length === 0 || !text.every((t) => typeof t === 'string')) {
      return invalidArgument(`* BatchEmbedContentsRequest.${at}.content.parts: must contain text.\n`);
    }
    const dims = request['outputDimensionality'];
    if (dims !== undefined && !(Number.isInteger(dims) && (dims as number) > 0)) {
      return invalidArgument(`Invalid value at '${at}.output_dimensionality' (TYPE_INT32), ${String(dims)}`);
    }
    const task = request['taskType'];
    if (task !== undefined && !TASK_TYPES.has(String(task))) {
      return invalidArgument(
        `Invalid value at '${at}.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${String(task)}"`,
      );
    }
    texts.push(text.join(''));
  }
  return texts;
}

/**
 * `models/{model}:batchEmbedContents`: one deterministic unit vector per request (8 dimensions
 * unless `outputDimensionality` says otherwise) as `{embeddings:[{values}]}`, with no token
 * counts, as the Gemini API answers. The model picks the behaviour: fail-<status>, hang, slow-<ms>.
 */
export async function handleBatchEmbedContents(
  body: Record<string, unknown>,
  ctx: BatchEmbedContext,
): Promise<void> {
  const { res, signal, model } = ctx;
  const failure = model === 'fail-404' ? modelNotFound(model, 'embedContent') : failureFor(model, ctx.apiKey);
  if (failure) return sendGeminiFailure(res, failure);
  const texts = textsOf(body, ctx.name);
  if (!Array.isArray(texts)) return sendGeminiFailure(res, texts);
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const requests = body['requests'] as Record<string, unknown>[];
  sendJson(res, 200, {
    embeddings: texts.map((text, i) => ({
      values: fakeEmbedding(
        text,
        (requests[i]!['outputDimensionality'] as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS,
      ),
    })),
  });
}
