import {
  countWords,
  isRecord,
  lastUserTurn,
  messagesText,
  splitIntoDeltas,
  systemText,
} from './converse-text.js';

export type AnswerBlock = { text: string } | { toolUse: { toolUseId: string; name: string; input: object } };

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

/** What the fake decided to say, before it is shaped as a Converse answer or as stream events. */
export interface ConverseAnswer {
  content: AnswerBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  usage: ConverseUsage;
}

/**
 * The fake's prompt cache: a system prompt seen before is read from cache, a new one is written
 * to it. Real Bedrock caches only at `cachePoint` blocks, which OpenAI callers cannot send; this
 * stand-in lets tests see both cache counts travel through a gateway.
 */
export type PromptCache = Set<string>;

const toolNames = (toolConfig: unknown): { offered: string[]; forced: string | undefined } => {
  if (!isRecord(toolConfig) || !Array.isArray(toolConfig['tools'])) return { offered: [], forced: undefined };
  const offered = toolConfig['tools'].flatMap((t: unknown) =>
    isRecord(t) && isRecord(t['toolSpec']) ? [String(t['toolSpec']['name'])] : [],
  );
  const choice = toolConfig['toolChoice'];
  const forced = isRecord(choice) && isRecord(choice['tool']) ? String(choice['tool']['name']) : undefined;
  return { offered, forced };
};

/**
 * Deterministic, so tests can predict every byte: with tools offered and a question about the
 * weather, a lead-in sentence and one toolUse per city named ("in Oslo and Paris" → two calls,
 * as a model calling tools in parallel); answering tool results, what the tools said; otherwise
 * "Echo: <last user text>" with a note per image. `maxTokens` and `stopSequences` cut the text.
 */
export function decideAnswer(body: Record<string, unknown>, cache: PromptCache): ConverseAnswer {
  const turn = lastUserTurn(body['messages']);
  const tools = toolNames(body['toolConfig']);
  let content: AnswerBlock[];
  let stopReason: ConverseAnswer['stopReason'] = 'end_turn';
  const tool = tools.forced ?? tools.offered[0];
  if (turn.toolResults.length > 0) {
    content = [{ text: `The tool said: ${turn.toolResults.map((r) => r.text).join(' | ')}` }];
  } else if (tool && /\bweather\b/i.test(turn.text)) {
    const cities = [...turn.text.matchAll(/\b(?:in|and) ([A-Z][\w-]*)/g)].map((m) => m[1]!);
    content = [
      { text: 'Let me check the weather.' },
      ...(cities.length > 0 ? cities : ['Paris']).map((city, i) => ({
        toolUse: { toolUseId: `tooluse_fake_weather_${i}`, name: tool, input: { location: city } },
      })),
    ];
    stopReason = 'tool_use';
  } else {
    const images = turn.images.map((img) => ` [${img.format} image, ${img.bytes} bytes]`).join('');
    const cut = cutText(`Echo: ${turn.text}${images}`, body['inferenceConfig']);
    content = [{ text: cut.text }];
    if (cut.stopReason) stopReason = cut.stopReason;
  }
  return { content, stopReason, usage: usageFor(body, content, cache) };
}

function cutText(
  text: string,
  config: unknown,
): { text: string; stopReason?: 'max_tokens' | 'stop_sequence' } {
  const inference = isRecord(config) ? config : {};
  const stops = Array.isArray(inference['stopSequences']) ? (inference['stopSequences'] as string[]) : [];
  const at = Math.min(...stops.map((s) => text.indexOf(s)).filter((i) => i >= 0));
  if (Number.isFinite(at)) return { text: text.slice(0, at), stopReason: 'stop_sequence' };
  const max = inference['maxTokens'];
  const pieces = splitIntoDeltas(text);
  if (typeof max === 'number' && pieces.length > max) {
    return { text: pieces.slice(0, max).join(''), stopReason: 'max_tokens' };
  }
  return { text };
}

/** Words stand in for tokens; the system prompt is billed as cache writes, then cache reads. */
function usageFor(body: Record<string, unknown>, content: AnswerBlock[], cache: PromptCache): ConverseUsage {
  const system = systemText(body['system']);
  const systemTokens = countWords(system);
  const cached = systemTokens > 0 && cache.has(system);
  if (systemTokens > 0) cache.add(system);
  const inputTokens = countWords(messagesText(body['messages']));
  const outputTokens = content
    .map((b) => countWords('text' in b ? b.text : JSON.stringify(b.toolUse.input)))
    .reduce((a, b) => a + b, 0);
  const cacheReadInputTokens = cached ? systemTokens : 0;
  const cacheWriteInputTokens = cached ? 0 : systemTokens;
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens,
    cacheReadInputTokens,
    cacheWriteInputTokens,
  };
}
