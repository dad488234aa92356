import { randomUUID } from 'node:crypto';
import { GatewayError, type FinishReason, type Usage } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import type { ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';
import { readCandidate, type OpenAIToolCall } from './candidate.js';
import { BLOCKED_PROMPT, toFinishReason } from './finish-reasons.js';
import { toOpenAIUsage } from './usage.js';
import type { GeminiResponse } from './wire.js';

/** What a translated answer needs besides Gemini's JSON. */
export interface AnswerMeta {
  /** Unix seconds. */
  created: number;
  /** The model asked for, when Gemini's answer names no `modelVersion`. */
  model: string;
  /** Choices to give when Gemini blocked the prompt and sent no candidate (the request's `n`). */
  choices: number;
}

export interface Choice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal: null;
    tool_calls?: OpenAIToolCall[];
  };
  logprobs: null;
  finish_reason: FinishReason;
}

export interface Completion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Choice[];
  usage?: Usage;
}

/** `chatcmpl-<responseId>`: the caller's id names Gemini's answer, for support requests to Google. */
export const completionId = (responseId: string | undefined, fallback: () => string): string =>
  `chatcmpl-${responseId ?? fallback()}`;

/**
 * A whole Gemini answer as an OpenAI chat completion: candidate i is choice i. A prompt Gemini
 * blocked outright (`promptFeedback.blockReason`, no candidates) is a completion with empty
 * content and `content_filter`, as OpenAI reports its own filter, not an error.
 */
export function fromGeminiResponse(json: GeminiResponse, meta: AnswerMeta, id: string): Completion {
  const candidates = json.candidates ?? [];
  let choices: Choice[];
  if (candidates.length > 0) {
    choices = candidates.map((candidate, i) => {
      const index = candidate.index ?? i;
      const out = readCandidate(candidate, { responseId: json.responseId, candidate: index, firstCall: 0 });
      const called = out.toolCalls.length > 0;
      return {
        index,
        message: {
          role: 'assistant',
          // OpenAI's content is null beside tool calls, and a string otherwise.
          content: out.text ?? (called ? null : ''),
          refusal: null,
          ...(called ? { tool_calls: out.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toFinishReason(candidate.finishReason ?? 'STOP', called),
      };
    });
  } else {
    choices = Array.from({ length: meta.choices }, (_, index) => ({
      index,
      message: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: BLOCKED_PROMPT,
    }));
  }
  const usage = toOpenAIUsage(json.usageMetadata);
  return {
    id,
    object: 'chat.completion',
    created: meta.created,
    model: json.modelVersion ?? meta.model,
    choices,
    ...(usage ? { usage } : {}),
  };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The executor's `readResponse`: Gemini's bytes → OpenAI completion bytes and the usage to meter. */
export function readGeminiResponse(
  body: Uint8Array,
  call: ProviderCall,
  now = Date.now(),
): { data: Uint8Array; usage?: UsageSummary | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw unreadable(call.providerId, 'is not valid JSON', cause);
  }
  if (!isRecord(json)) throw unreadable(call.providerId, 'is not a JSON object');
  const answer = json as GeminiResponse;
  if (!Array.isArray(answer.candidates) && !answer.promptFeedback?.blockReason) {
    throw unreadable(call.providerId, 'has no candidates and no reason for their absence');
  }
  const meta: AnswerMeta = {
    created: Math.floor(now / 1000),
    model: call.upstreamModel,
    choices: typeof call.body['n'] === 'number' ? call.body['n'] : 1,
  };
  const completion = fromGeminiResponse(answer, meta, completionId(answer.responseId, randomSuffix));
  return { data: encoder.encode(JSON.stringify(completion)), usage: toUsageSummary(completion.usage) };
}

const randomSuffix = (): string => randomUUID().replaceAll('-', '');

const unreadable = (providerId: string, why: string, cause?: unknown): GatewayError =>
  new GatewayError('upstream_error', `Provider ${providerId} sent an answer that ${why}.`, {
    provider: providerId,
    cause,
  });
