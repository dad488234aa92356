import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from '../fake-openai/embeddings.js';
import { sendJson } from '../fake-openai/http-io.js';
import { countWords } from '../fake-openai/message-text.js';
import { OLLAMA_FAILURES } from './ollama-errors.js';

export interface OllamaEmbedContext {
  res: ServerResponse;
  signal: AbortSignal;
}

/**
 * POST /api/embed: `input` a string or strings, one deterministic unit vector each (8 dimensions
 * unless `dimensions` says otherwise), `prompt_eval_count` counting words. The model name picks
 * the behaviour: fail-<status>, hang, slow-<ms>; anything else answers.
 */
export async function handleOllamaEmbed(
  body: Record<string, unknown>,
  ctx: OllamaEmbedContext,
): Promise<void> {
  const { res, signal } = ctx;
  const started = process.hrtime.bigint();
  const model = body.model;
  if (typeof model !== 'string' || model === '') return sendJson(res, 400, { error: 'model is required' });
  const input = body.input;
  const texts =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.every((t) => typeof t === 'string')
        ? (input as string[])
        : undefined;
  if (texts === undefined) return sendJson(res, 400, { error: 'invalid input type' });
  const dimensions = body.dimensions ?? FAKE_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dimensions) || (dimensions as number) < 1) {
    return sendJson(res, 400, { error: 'dimensions must be a positive integer' });
  }
  const failure = OLLAMA_FAILURES[model];
  if (failure) return sendJson(res, failure.status, { error: failure.error });
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  sendJson(res, 200, {
    model,
    embeddings: texts.map((t) => fakeEmbedding(t, dimensions as number)),
    total_duration: Number(process.hrtime.bigint() - started),
    load_duration: 0,
    prompt_eval_count: texts.reduce((n, t) => n + countWords(t), 0),
  });
}
