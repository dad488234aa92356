import { countWords, isRecord } from '../fake-openai/message-text.js';

/** One part of an answer, as Gemini writes it. */
export type AnswerPart =
  | { text: string }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string };

export interface FakeCandidate {
  parts: AnswerPart[];
  finishReason: string;
}

export interface FakeGeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  promptTokensDetails: { modality: 'TEXT'; tokenCount: number }[];
  thoughtsTokenCount?: number;
}

/** What the fake decided to say, before it is shaped as one response or a stream. */
export interface FakeGeminiAnswer {
  candidates: FakeCandidate[];
  /** Set when the prompt itself is blocked: then there are no candidates. */
  blockReason?: string;
  usage: FakeGeminiUsage;
}

type Record_ = Record<string, unknown>;
const partsOf = (content: unknown): Record_[] =>
  isRecord(content) && Array.isArray(content['parts']) ? content['parts'].filter(isRecord) : [];
const textOf = (parts: Record_[]): string =>
  parts.flatMap((p) => (typeof p['text'] === 'string' ? [p['text']] : [])).join('\n');

/** Thinking models (2.5 and later) report thought tokens; Gemini 3 also signs its function calls. */
const THOUGHT_TOKENS = 4;
const isThinking = (model: string): boolean => /^gemini-(2\.5|3)/.test(model);
export const signatureFor = (name: string): string =>
  Buffer.from(`fake-thought-signature:${name}`).toString('base64');

/**
 * Deterministic, so tests can predict every byte: "Echo: <last user text>" (with the MIME types
 * of any media it carried); or, given function results, "Results: name=<json>; …"; or, when
 * functions are offered and the user asks about the weather (or the mode is ANY), one call per
 * city named ("in Oslo and Paris" → two parallel calls). Words stand in for tokens.
 */
export function decideAnswer(body: Record_, model: string): FakeGeminiAnswer {
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  const config = isRecord(body['generationConfig']) ? body['generationConfig'] : {};
  const promptTokens =
    countWords(textOf(partsOf(body['systemInstruction']))) +
    contents.reduce(
      (n: number, c) => n + countWords(textOf(partsOf(c))) + partsOf(c).filter((p) => !('text' in p)).length,
      0,
    );
  const usage = (completion: number): FakeGeminiUsage => {
    const thoughts = isThinking(model) ? THOUGHT_TOKENS : 0;
    return {
      promptTokenCount: promptTokens,
      candidatesTokenCount: completion,
      totalTokenCount: promptTokens + completion + thoughts,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
      ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
    };
  };
  if (model.startsWith('blocked-prompt')) return { candidates: [], blockReason: 'SAFETY', usage: usage(0) };
  if (model.startsWith('blocked-response')) {
    return { candidates: [{ parts: [], finishReason: 'SAFETY' }], usage: usage(0) };
  }

  const last = partsOf(contents.at(-1));
  const calls = functionCalls(body, textOf(last), model);
  let parts: AnswerPart[];
  let finishReason = 'STOP';
  if (calls.length > 0) {
    parts = calls;
  } else {
    let text = answerText(last);
    if (config['responseMimeType'] === 'application/json') text = JSON.stringify({ echo: text });
    for (const stop of Array.isArray(config['stopSequences']) ? config['stopSequences'].map(String) : []) {
      if (text.includes(stop)) text = text.slice(0, text.indexOf(stop));
    }
    const words = text.match(/\s*\S+/g) ?? [];
    const max = typeof config['maxOutputTokens'] === 'number' ? config['maxOutputTokens'] : Infinity;
    if (words.length > max) {
      text = words.slice(0, max).join('');
      finishReason = 'MAX_TOKENS';
    }
    parts = [{ text }];
  }
  const count = typeof config['candidateCount'] === 'number' ? config['candidateCount'] : 1;
  const candidates = Array.from({ length: count }, () => ({ parts, finishReason }));
  const perCandidate = parts.reduce(
    (n, p) => n + countWords('text' in p ? p.text : JSON.stringify(p.functionCall.args)),
    0,
  );
  return { candidates, usage: usage(perCandidate * count) };
}

function answerText(last: Record_[]): string {
  const results = last.flatMap((p) => (isRecord(p['functionResponse']) ? [p['functionResponse']] : []));
  if (results.length > 0) {
    return `Results: ${results.map((r) => `${String(r['name'])}=${JSON.stringify(r['response'])}`).join('; ')}`;
  }
  const media = last.flatMap((p) => {
    const data = isRecord(p['inlineData'])
      ? p['inlineData']
      : isRecord(p['fileData'])
        ? p['fileData']
        : undefined;
    return data ? [String(data['mimeType'] ?? 'unknown')] : [];
  });
  return `Echo: ${textOf(last)}${media.length > 0 ? ` [${media.join(', ')}]` : ''}`;
}

function functionCalls(body: Record_, text: string, model: string): AnswerPart[] {
  const tools = Array.isArray(body['tools']) ? body['tools'] : [];
  const names = tools.flatMap((t) =>
    isRecord(t) && Array.isArray(t['functionDeclarations'])
      ? t['functionDeclarations'].filter(isRecord).map((d) => String(d['name']))
      : [],
  );
  const calling = isRecord(body['toolConfig']) ? body['toolConfig']['functionCallingConfig'] : undefined;
  const mode = isRecord(calling) ? String(calling['mode']) : 'AUTO';
  const allowed =
    isRecord(calling) && Array.isArray(calling['allowedFunctionNames'])
      ? calling['allowedFunctionNames']
      : [];
  const name = String(allowed[0] ?? names[0]);
  if (names.length === 0 || mode === 'NONE') return [];
  if (mode !== 'ANY' && !/\bweather\b/i.test(text)) return [];
  const cities = [...text.matchAll(/\b(?:in|and) ([A-Z][\w-]*)/g)].map((m) => m[1]!);
  return (cities.length > 0 ? cities : ['Paris']).map((location, i) => ({
    functionCall: { name, args: { location } },
    // Gemini 3 signs the first call of a step only.
    ...(i === 0 && /^gemini-3/.test(model) ? { thoughtSignature: signatureFor(name) } : {}),
  }));
}
