import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from '../fake-openai/embeddings.js';
import { sendJson } from '../fake-openai/http-io.js';
import { countWords } from '../fake-openai/message-text.js';
import { MISTRAL_FAILURES, mistralError, validationFailed, type ValidationIssue } from './mistral-errors.js';
import { sendMistralFailure } from './mistral-chat.js';

export interface MistralEmbeddingsContext {
  res: ServerResponse;
  signal: AbortSignal;
  id: string;
}

/** The fields Mistral's `/v1/embeddings` accepts: anything else is `extra_forbidden`, as there. */
const FIELDS = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format', 'metadata']);

function validate(body: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!FIELDS.has(key))
      issues.push({
        type: 'extra_forbidden',
        loc: ['body', key],
        msg: 'Extra inputs are not permitted',
        input: value,
      });
  }
  for (const field of ['model', 'input']) {
    if (body[field] === undefined)
      issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: body });
  }
  const input = body.input;
  if (
    input !== undefined &&
    typeof input !== 'string' &&
    !(Array.isArray(input) && input.every((t) => typeof t === 'string'))
  ) {
    issues.push({
      type: 'string_type',
      loc: ['body', 'input', 'str'],
      msg: 'Input should be a valid string',
      input,
    });
  }
  const dimension = body.output_dimension;
  if (
    dimension !== undefined &&
    dimension !== null &&
    !(Number.isInteger(dimension) && (dimension as number) > 0)
  ) {
    issues.push({
      type: 'greater_than',
      loc: ['body', 'output_dimension'],
      msg: 'Input should be greater than 0',
      input: dimension,
    });
  }
  return issues;
}

/**
 * POST /v1/embeddings, checked as strictly as Mistral checks it (unknown fields → 422).
 * Deterministic unit vectors (8 dimensions unless `output_dimension` says otherwise), words
 * counted as tokens. The model picks the behaviour: fail-<status>, hang, slow-<ms>. Only floats
 * are answered: `output_dtype` other than `float`, or `encoding_format: base64`, get a 400.
 */
export async function handleMistralEmbeddings(
  body: Record<string, unknown>,
  ctx: MistralEmbeddingsContext,
): Promise<void> {
  const { res, signal } = ctx;
  const issues = validate(body);
  if (issues.length > 0) return sendMistralFailure(res, validationFailed(issues));
  const model = String(body.model);
  const failure = MISTRAL_FAILURES[model];
  if (failure) return sendMistralFailure(res, failure);
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });
  if ((body.output_dtype ?? 'float') !== 'float' || (body.encoding_format ?? 'float') !== 'float') {
    return sendMistralFailure(
      res,
      mistralError(400, 'This fake answers float embeddings only.', 'invalid_request_error'),
    );
  }

  const texts = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
  const dimensions =
    typeof body.output_dimension === 'number' ? body.output_dimension : FAKE_EMBEDDING_DIMENSIONS;
  const tokens = texts.reduce((n, text) => n + countWords(text), 0);
  sendJson(res, 200, {
    id: ctx.id,
    object: 'list',
    data: texts.map((text, index) => ({
      object: 'embedding',
      embedding: fakeEmbedding(text, dimensions),
      index,
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_audio_seconds: null },
  });
}
