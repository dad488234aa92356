import { randomUUID } from 'node:crypto';
import { GatewayError, isGatewayError, type FinishReason, type Usage } from '@switchyard/contracts';
import type { ProviderCall, StreamEvent, StreamTranslator } from '../types.js';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';
import { readCandidate } from './candidate.js';
import { mapGeminiStreamError } from './errors.js';
import { BLOCKED_PROMPT, toFinishReason } from './finish-reasons.js';
import { completionId } from './response.js';
import { toOpenAIUsage } from './usage.js';
import type { GeminiResponse } from './wire.js';

/**
 * Translates one `streamGenerateContent?alt=sse` stream. Each event is a partial
 * GenerateContentResponse; per candidate the caller gets a role chunk first, then text deltas,
 * function calls as whole tool-call deltas (Gemini sends each call complete), and a finish chunk
 * when `finishReason` arrives; then the usage chunk (dropped unless the caller asked for it).
 *
 * Gemini's stream has no end marker: the event that finishes every candidate and carries the
 * usage is the last, so the translator returns `done` there. A stream that closes before it is
 * one the executor reports as broken, never an answer silently cut short or metered as zero.
 */
export function createGeminiStreamTranslator(
  call: ProviderCall,
  now: () => number = Date.now,
): StreamTranslator {
  const created = Math.floor(now() / 1000);
  const blockedChoices = typeof call.body['n'] === 'number' ? call.body['n'] : 1;
  let id = '';
  let model = call.upstreamModel;
  let responseId: string | undefined;
  const started = new Set<number>();
  const finished = new Set<number>();
  const callCounts = new Map<number, number>();
  let usage: Usage | undefined;
  let ended = false;

  // As OpenAI does, chunks carry `usage: null` only when the caller asked for usage.
  const chunk = (choices: object[], extra: object = {}): string =>
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
      ...(call.includeUsage ? { usage: null } : {}),
      ...extra,
    });
  const choice = (index: number, delta: object, finish: FinishReason | null = null): object => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const forward = (choices: object[]): StreamEvent => ({
    kind: 'chunk',
    data: chunk(choices),
    forward: true,
  });

  return (event) => {
    if (ended || event.data.trim() === '') return [];
    const parsed = parseEvent(event.data, call.providerId);
    if (isGatewayError(parsed)) return [{ kind: 'error', error: parsed }];
    if (parsed['error'] !== undefined && parsed['error'] !== null) {
      return [{ kind: 'error', error: mapGeminiStreamError(call.providerId, parsed['error']) }];
    }
    const res = parsed as GeminiResponse;
    if (id === '') {
      responseId = res.responseId;
      id = completionId(responseId, () => randomUUID().replaceAll('-', ''));
      model = res.modelVersion ?? model;
    }

    const out: StreamEvent[] = [];
    const start = (index: number): void => {
      if (started.has(index)) return;
      started.add(index);
      out.push(forward([choice(index, { role: 'assistant', content: '' })]));
    };
    const finish = (index: number, reason: FinishReason): void => {
      finished.add(index);
      out.push(forward([choice(index, {}, reason)]));
    };

    const candidates = res.candidates ?? [];
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      if (finished.has(index)) return;
      start(index);
      const firstCall = callCounts.get(index) ?? 0;
      const { text, toolCalls } = readCandidate(candidate, { responseId, candidate: index, firstCall });
      if (text) out.push(forward([choice(index, { content: text })]));
      if (toolCalls.length > 0) {
        callCounts.set(index, firstCall + toolCalls.length);
        const deltas = toolCalls.map((toolCall, k) => ({ index: firstCall + k, ...toolCall }));
        out.push(forward([choice(index, { tool_calls: deltas })]));
      }
      if (candidate.finishReason) {
        finish(index, toFinishReason(candidate.finishReason, (callCounts.get(index) ?? 0) > 0));
      }
    });
    if (candidates.length === 0 && res.promptFeedback?.blockReason) {
      for (let index = 0; index < blockedChoices; index++) {
        start(index);
        finish(index, BLOCKED_PROMPT);
      }
    }

    // Each event's usage is the running total; the last one read is the answer's.
    usage = toOpenAIUsage(res.usageMetadata) ?? usage;
    const complete = finished.size > 0 && [...started].every((i) => finished.has(i));
    if (complete && usage) {
      ended = true;
      out.push({
        kind: 'chunk',
        data: chunk([], { usage }),
        forward: call.includeUsage,
        usage: toUsageSummary(usage),
      });
      out.push({ kind: 'done' });
    }
    return out;
  };
}

/** The event's JSON object, or the error that it is not one. */
function parseEvent(data: string, providerId: string): Record<string, unknown> | GatewayError {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (cause) {
    return unreadable(providerId, cause);
  }
  return isRecord(json) ? json : unreadable(providerId);
}

const unreadable = (providerId: string, cause?: unknown): GatewayError =>
  new GatewayError(
    'upstream_error',
    `Provider ${providerId} sent a stream event that is not a JSON object.`,
    {
      provider: providerId,
      cause,
    },
  );
