import { allMessagesText, countWords, isRecord, lastUserText } from './message-text.js';

/** What the fake decided to say, before it is shaped as a completion or as chunks. */
export type FakeAnswer =
  { kind: 'text'; text: string } | { kind: 'tool_call'; id: string; name: string; arguments: string };

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/**
 * Deterministic: "Echo: <last user text>", or, when tools are offered and the user asks about the
 * weather, a call to the first function tool. Tests can then predict every byte of the answer.
 */
export function decideAnswer(body: Record<string, unknown>): FakeAnswer {
  const text = lastUserText(body.messages);
  const tool = firstFunctionName(body.tools);
  if (tool && /\bweather\b/i.test(text)) {
    const city = /\bin ([A-Z][\w-]*)/.exec(text)?.[1] ?? 'Paris';
    return {
      kind: 'tool_call',
      id: 'call_fake_weather_0',
      name: tool,
      arguments: JSON.stringify({ location: city }),
    };
  }
  return { kind: 'text', text: `Echo: ${text}` };
}

/** Word counts stand in for tokens: stable across runs and easy to compute in an assertion. */
export function usageFor(body: Record<string, unknown>, answer: FakeAnswer): FakeUsage {
  const prompt = countWords(allMessagesText(body.messages));
  const completion = countWords(answer.kind === 'text' ? answer.text : answer.arguments);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function firstFunctionName(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const tool of tools) {
    if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string')
      return tool.function.name;
  }
  return undefined;
}
