import { createHash } from 'node:crypto';
import { toBase64Vector } from '../embeddings-answer.js';
import { countTokens } from './demo-text.js';

/** Small vectors: enough to see the shape and to compare two texts, cheap to send. */
export const DEMO_DIMENSIONS = 8;
/** A caller may ask for more (`dimensions`), up to what a real model offers. */
export const MAX_DEMO_DIMENSIONS = 4096;

export interface DemoEmbeddings {
  /** OpenAI's `CreateEmbeddingResponse`, field for field. */
  answer: object;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

type Item = { kind: 'text'; text: string } | { kind: 'tokens'; tokens: number[] };

const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.every((t) => typeof t === 'number');

/** The inputs of a body, one per vector: a string, strings, one token array, or token arrays. */
function itemsOf(input: unknown): Item[] {
  if (typeof input === 'string') return [{ kind: 'text', text: input }];
  if (!Array.isArray(input)) return [];
  if (isTokens(input)) return [{ kind: 'tokens', tokens: input }];
  return input.flatMap((v: unknown): Item[] => {
    if (typeof v === 'string') return [{ kind: 'text', text: v }];
    return isTokens(v) ? [{ kind: 'tokens', tokens: v }] : [];
  });
}

/**
 * A unit vector that depends only on `seed`: SHA-256 of the seed and a block number, read as
 * signed 32-bit integers, scaled and normalised. The same text always gets the same vector.
 */
export function demoVector(seed: string, dimensions: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\n${seed}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dimensions; i += 4) {
      raw.push(digest.readInt32LE(i) / 2 ** 31);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  // Rounded to float32, so floats and base64 give the caller the very same numbers.
  return raw.map((x) => Math.fround(x / norm));
}

/** The demo provider's embeddings answer: deterministic vectors, words counted as tokens. */
export function toDemoEmbeddings(body: Record<string, unknown>, model: string): DemoEmbeddings {
  const asked = body['dimensions'];
  const dimensions =
    typeof asked === 'number' && Number.isInteger(asked) && asked >= 1
      ? Math.min(asked, MAX_DEMO_DIMENSIONS)
      : DEMO_DIMENSIONS;
  const base64 = body['encoding_format'] === 'base64';
  const items = itemsOf(body['input']);
  const data = items.map((item, index) => {
    const vector = demoVector(item.kind === 'text' ? item.text : item.tokens.join(' '), dimensions);
    return { object: 'embedding', index, embedding: base64 ? toBase64Vector(vector) : vector };
  });
  const tokens = items.reduce(
    (n, item) => n + (item.kind === 'text' ? countTokens(item.text) : item.tokens.length),
    0,
  );
  return {
    answer: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
    usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
  };
}
