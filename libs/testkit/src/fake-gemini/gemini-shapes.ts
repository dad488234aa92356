import { splitIntoDeltas } from '../fake-openai/message-text.js';
import type { AnswerPart, FakeCandidate, FakeGeminiAnswer } from './gemini-answer.js';

/** The fields every response and stream chunk of one answer share. */
export interface ResponseMeta {
  model: string;
  responseId: string;
}

const HARM_CATEGORIES = [
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
];
// A block names the category that tripped it, as Gemini does.
const blockedRatings = (): object[] =>
  HARM_CATEGORIES.map((category, i) =>
    i === 3 ? { category, probability: 'HIGH', blocked: true } : { category, probability: 'NEGLIGIBLE' },
  );

function candidateJson(c: FakeCandidate, index: number, parts: AnswerPart[], finished: boolean): object {
  return {
    ...(parts.length > 0 ? { content: { parts, role: 'model' } } : {}),
    ...(finished ? { finishReason: c.finishReason } : {}),
    ...(finished && c.finishReason === 'SAFETY' ? { safetyRatings: blockedRatings() } : {}),
    index,
  };
}

/** A whole GenerateContentResponse, field for field as `generateContent` returns it. */
export function toGenerateContentResponse(answer: FakeGeminiAnswer, meta: ResponseMeta): object {
  return {
    ...(answer.blockReason
      ? { promptFeedback: { blockReason: answer.blockReason, safetyRatings: blockedRatings() } }
      : { candidates: answer.candidates.map((c, i) => candidateJson(c, i, c.parts, true)) }),
    usageMetadata: answer.usage,
    modelVersion: meta.model,
    responseId: meta.responseId,
  };
}

/** A candidate's stream pieces: text word by word; function calls whole, all in one piece. */
function piecesOf(c: FakeCandidate): AnswerPart[][] {
  const pieces: AnswerPart[][] = [];
  for (const part of c.parts) {
    if ('text' in part) for (const text of splitIntoDeltas(part.text)) pieces.push([{ text }]);
  }
  const calls = c.parts.filter((p) => 'functionCall' in p);
  if (calls.length > 0) pieces.push(calls);
  return pieces;
}

/**
 * Every event of `streamGenerateContent?alt=sse`, in order: partial responses whose candidates
 * carry the next piece each. Usage comes on every event, as Gemini sends it: prompt counts while
 * generating, the full counts on the last event, which also carries the last piece and the
 * `finishReason`. There is no end marker after it.
 */
export function toStreamChunks(answer: FakeGeminiAnswer, meta: ResponseMeta): object[] {
  const tail = { modelVersion: meta.model, responseId: meta.responseId };
  if (answer.blockReason) {
    return [{ promptFeedback: { blockReason: answer.blockReason }, usageMetadata: answer.usage, ...tail }];
  }
  const pieces = answer.candidates.map(piecesOf);
  const steps = Math.max(1, ...pieces.map((p) => p.length));
  const running = {
    promptTokenCount: answer.usage.promptTokenCount,
    totalTokenCount: answer.usage.promptTokenCount,
    promptTokensDetails: answer.usage.promptTokensDetails,
  };
  return Array.from({ length: steps }, (_, k) => {
    const last = k === steps - 1;
    const candidates = answer.candidates.flatMap((c, i) => {
      const parts = pieces[i]![k] ?? [];
      return parts.length > 0 || last ? [candidateJson(c, i, parts, last)] : [];
    });
    return { candidates, usageMetadata: last ? answer.usage : running, ...tail };
  });
}
