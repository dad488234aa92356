import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from '../fake-openai/embeddings.js';
import { sendJson } from '../fake-openai/http-io.js';
import { countWords } from '../fake-openai/message-text.js';
import { sendCohereFailure } from './cohere-chat.js';
import { COHERE_FAILURES, cohereError } from './cohere-errors.js';

export interface CohereEmbedContext {
  res: ServerResponse;
  signal: AbortSignal;
}

/** Cohere's limit on texts in one embed call. */
export const MAX_EMBED_TEXTS = 96;
const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering', 'image']);
const EMBEDDING_TYPES = new Set(['float', 'int8', 'uint8', 'binary', 'ubinary', 'base64']);
const DIMENSIONS = new Set([256, 512, 1024, 1536]);

/** The checks Cohere makes that an adapter could get wrong; the message names what is wrong. */
function invalid(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'invalid request: model must be specified.';
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string'))
    return 'invalid request: texts must be a non-empty list of strings.';
  if (texts.length > MAX_EMBED_TEXTS)
    return `invalid request: total number of texts must be at most ${MAX_EMBED_TEXTS} - received ${texts.length}`;
  if (!INPUT_TYPES.has(String(body.input_type)))
    return `invalid request: input_type must be one of ${[...INPUT_TYPES].join(', ')}; received ${JSON.stringify(body.input_type)}.`;
  const types = body.embedding_types ?? ['float'];
  if (!Array.isArray(types) || !types.every((t) => EMBEDDING_TYPES.has(String(t))))
    return `invalid request: embedding_types must be a list of ${[...EMBEDDING_TYPES].join(', ')}.`;
  if (body.output_dimension !== undefined && !DIMENSIONS.has(body.output_dimension as number))
    return 'invalid request: output_dimension must be one of 256, 512, 1024, 1536.';
  return undefined;
}

/**
 * POST /v2/embed: `embeddings.float` holds one deterministic unit vector per text (8 dimensions
 * unless `output_dimension` says otherwise), `meta.billed_units.input_tokens` counts words. Only
 * float embeddings are answered (other `embedding_types` are left out of the answer). The model
 * picks the behaviour: fail-<status>, hang, slow-<ms>.
 */
export async function handleCohereEmbed(
  body: Record<string, unknown>,
  ctx: CohereEmbedContext,
): Promise<void> {
  const { res, signal } = ctx;
  const problem = invalid(body);
  if (problem) return sendCohereFailure(res, cohereError(400, problem));
  const model = String(body.model);
  const failure = COHERE_FAILURES[model];
  if (failure) return sendCohereFailure(res, failure);
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const texts = body.texts as string[];
  const dimensions =
    typeof body.output_dimension === 'number' ? body.output_dimension : FAKE_EMBEDDING_DIMENSIONS;
  const types = (body.embedding_types ?? ['float']) as string[];
  sendJson(res, 200, {
    id: randomUUID(),
    embeddings: types.includes('float') ? { float: texts.map((t) => fakeEmbedding(t, dimensions)) } : {},
    texts,
    meta: {
      api_version: { version: '2' },
      billed_units: { input_tokens: texts.reduce((n, t) => n + countWords(t), 0) },
    },
    response_type: 'embeddings_by_type',
  });
}
