import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendFailure, sendJson } from './http-io.js';
import { countWords } from './message-text.js';
import { FAILURES, missingParameter, openAIError } from './openai-errors.js';

/** Vector length when the request names no `dimensions`: small, so answers stay readable. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

export interface EmbeddingsContext {
  res: ServerResponse;
  signal: AbortSignal;
}

type Item = { text: string; tokens: number };

const isTokens = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));

/** One item per vector, or undefined for an input OpenAI would refuse. */
function itemsOf(input: unknown): Item[] | undefined {
  const text = (s: string): Item => ({ text: s, tokens: countWords(s) });
  const tokens = (t: number[]): Item => ({ text: t.join(' '), tokens: t.length });
  if (typeof input === 'string') return input === '' ? undefined : [text(input)];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (isTokens(input)) return [tokens(input)];
  if (input.every((v) => typeof v === 'string' && v !== '')) return (input as string[]).map(text);
  if (input.every(isTokens)) return (input as number[][]).map(tokens);
  return undefined;
}

/**
 * A unit vector that depends only on the text's words: the same input always embeds the same, and
 * so do texts that differ only in case, punctuation and spacing (a paraphrase a semantic cache
 * test can rely on); any other difference gives an unrelated vector.
 */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`fake-openai:${block}:${words}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dimensions; i += 4) {
      raw.push(digest.readInt32LE(i) / 2 ** 31);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

const toBase64 = (vector: readonly number[]): string => {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
};

const invalid = (field: string) =>
  openAIError(
    `'$.${field}' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.`,
    'invalid_request_error',
  );

/**
 * POST /v1/embeddings. Deterministic unit vectors (8 dimensions unless `dimensions` says
 * otherwise), floats or little-endian float32 in base64, usage counted in words. As for chat, the
 * model picks a behaviour: fail-<status>, hang, slow-<ms>.
 */
export async function handleEmbeddings(body: Record<string, unknown>, ctx: EmbeddingsContext): Promise<void> {
  const { res, signal } = ctx;
  const model = body.model;
  if (typeof model !== 'string' || !model) {
    return sendJson(res, 400, openAIError('you must provide a model parameter', 'invalid_request_error'));
  }
  if (body.input === undefined) return sendFailure(res, missingParameter('input'));
  const items = itemsOf(body.input);
  if (!items) return sendJson(res, 400, invalid('input'));
  const dimensions = body.dimensions ?? FAKE_EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    return sendJson(res, 400, invalid('dimensions'));
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return sendJson(res, 400, invalid('encoding_format'));

  const failure = FAILURES[model];
  if (failure) return sendFailure(res, failure);
  if (model === 'hang') return waitForAbort(signal);
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const tokens = items.reduce((n, item) => n + item.tokens, 0);
  sendJson(res, 200, {
    object: 'list',
    data: items.map((item, index) => {
      const vector = fakeEmbedding(item.text, dimensions);
      return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
