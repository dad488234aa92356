import type { Replier, UsageSummary } from '@switchyard/bus';
import { toChunks } from '../domain/replay.js';

const encoder = new TextEncoder();

/** What a stored entry holds: the answer as a `chat.completion`, and what it cost to make. */
export interface StoredEntry {
  answer: Record<string, unknown>;
  cost?: number;
}

/** The stored form, built without parsing the answer again: `{"cost":…,"answer":<chat.completion>}`. */
export const toStoredEntry = (answer: string, cost: number | undefined): string =>
  cost === undefined ? `{"answer":${answer}}` : `{"cost":${cost},"answer":${answer}}`;

function usageOf(answer: Record<string, unknown>): UsageSummary | undefined {
  const u = answer.usage as Record<string, unknown> | undefined;
  if (typeof u?.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  const usage: UsageSummary = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + u.completion_tokens,
  };
  const cached = (u.prompt_tokens_details as Record<string, unknown> | undefined)?.cached_tokens;
  if (typeof cached === 'number') usage.cached_tokens = cached;
  return usage;
}

/**
 * Answers from a stored entry: whole for a plain request, replayed as chunks for a stream. The
 * completion event says what the answer used (nothing was spent: cost 0) and what it had cost.
 */
export function answerHit(
  reply: Replier,
  entry: StoredEntry,
  request: { stream: boolean; includeUsage: boolean },
): void {
  const usage = usageOf(entry.answer);
  const result = {
    ...(usage && { usage }),
    cost: 0,
    ...(entry.cost !== undefined && { savedCost: entry.cost }),
  };
  if (!request.stream) return reply.response(encoder.encode(JSON.stringify(entry.answer)), result);
  for (const chunk of toChunks(entry.answer, request.includeUsage))
    reply.chunk(encoder.encode(JSON.stringify(chunk)));
  reply.done(result);
}
