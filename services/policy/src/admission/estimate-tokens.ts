import { Ops, type Op } from '@switchyard/contracts';

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number;

/**
 * Tokens reserved for the answer when the request sets no `max_tokens`: more than most chat answers
 * (a few hundred tokens), so a key is rarely let far over its limit, yet small enough that a key
 * with a modest tokens-per-minute limit can still send several such requests a minute. The real
 * usage replaces the reservation when the request completes.
 */
export const DEFAULT_COMPLETION_RESERVATION = 1024;

/** OpenAI's count for an image it was not told the size of: the low-detail price of one image. */
const IMAGE_TOKENS = 85;
/** Each message is framed by about 3 tokens plus its role; every answer is primed with 3. */
const PER_MESSAGE = 4;
const PER_REPLY = 3;

export interface TokenEstimate {
  prompt: number;
  /** The most the answer may use, when the request says (`max_completion_tokens`, `max_tokens`, × `n`). */
  maxCompletion: number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function contentTokens(content: unknown, count: CountTokens): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') total += count(part.text);
    else if (typeof part.refusal === 'string') total += count(part.refusal);
    else if (part.type === 'image_url') total += IMAGE_TOKENS;
  }
  return total;
}

function chatPromptTokens(body: Record<string, unknown>, count: CountTokens): number {
  let total = PER_REPLY;
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    total += PER_MESSAGE + contentTokens(m.content, count);
    if (typeof m.name === 'string') total += count(m.name) + 1;
    if (Array.isArray(m.tool_calls)) total += count(JSON.stringify(m.tool_calls));
  }
  // Tool definitions reach the model as text too; their JSON is a close enough stand-in.
  if (Array.isArray(body.tools)) total += count(JSON.stringify(body.tools));
  return total;
}

function embeddingsPromptTokens(input: unknown, count: CountTokens): number {
  if (typeof input === 'string') return count(input);
  if (!Array.isArray(input)) return 0;
  // An array of numbers is one input already tokenized.
  if (input.every((x) => typeof x === 'number')) return input.length;
  return input.reduce<number>((sum, item) => sum + embeddingsPromptTokens(item, count), 0);
}

const positiveInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

/** What a request will use at most, estimated from its body (OpenAI chat or embeddings JSON). */
export function estimateTokens(op: Op, body: unknown, count: CountTokens): TokenEstimate {
  if (!isRecord(body)) return { prompt: 0, maxCompletion: undefined };
  if (op === Ops.embeddings) return { prompt: embeddingsPromptTokens(body.input, count), maxCompletion: 0 };
  if (op !== Ops.chatCompletions) return { prompt: 0, maxCompletion: 0 };
  const max = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  return {
    prompt: chatPromptTokens(body, count),
    maxCompletion: max === undefined ? undefined : max * (positiveInt(body.n) ?? 1),
  };
}

/**
 * The tokens to reserve: the prompt and the most the answer may use, or the default reservation
 * for the answer, cut so that it alone never makes the request too large for `tpm`.
 */
export function tokensToReserve(estimate: TokenEstimate, tpm: number): number {
  if (estimate.maxCompletion !== undefined) return estimate.prompt + estimate.maxCompletion;
  return estimate.prompt + Math.max(0, Math.min(DEFAULT_COMPLETION_RESERVATION, tpm - estimate.prompt));
}
