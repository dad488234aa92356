import { randomUUID } from 'node:crypto';
import { withThoughtSignature } from './thought-signature.js';
import type { GeminiCandidate, GeminiPart } from './wire.js';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** What one candidate (or one streamed piece of it) says, in OpenAI's terms. */
export interface CandidateOutput {
  /** The answer text of its parts, joined; undefined when it has none. */
  text: string | undefined;
  toolCalls: OpenAIToolCall[];
}

/**
 * Gemini gives function calls no id (the Live API aside), while OpenAI callers answer a call by
 * its id. Ids derive from the response id, so every id of a conversation is unique and a recorded
 * answer always translates to the same bytes.
 */
export function toolCallId(responseId: string | undefined, candidate: number, call: number): string {
  return responseId
    ? `call_${responseId}_${candidate}_${call}`
    : `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * The parts of a candidate as text and tool calls. Thought summaries are not answer text; a
 * call's thought signature is kept for the next turn. `firstCall` numbers calls after those of
 * earlier stream events.
 */
export function readCandidate(
  candidate: GeminiCandidate,
  position: { responseId: string | undefined; candidate: number; firstCall: number },
): CandidateOutput {
  const parts: GeminiPart[] = candidate.content?.parts ?? [];
  let text: string | undefined;
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of parts) {
    if (typeof part.text === 'string' && part.thought !== true) text = (text ?? '') + part.text;
    if (part.functionCall) {
      const n = position.firstCall + toolCalls.length;
      const call: OpenAIToolCall = {
        id: part.functionCall.id ?? toolCallId(position.responseId, position.candidate, n),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      };
      toolCalls.push(withThoughtSignature(call, part.thoughtSignature));
    }
  }
  return { text, toolCalls };
}
