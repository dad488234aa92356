import type { CompletionMeta } from '../fake-openai/completion-shapes.js';
import { toChatCompletion, toChatCompletionChunks } from '../fake-openai/completion-shapes.js';
import type { FakeAnswer, FakeUsage } from '../fake-openai/fake-answer.js';

/** The content filter's verdict on harmless text, per category, as Azure annotates it. */
const SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};
const BLOCKED = { ...SAFE, violence: { filtered: true, severity: 'medium' } };
const PROMPT_FILTER_RESULTS = [
  { prompt_index: 0, content_filter_results: { ...SAFE, jailbreak: { filtered: false, detected: false } } },
];

type Json = Record<string, unknown>;
const choicesOf = (value: object): Json[] => (value as { choices: Json[] }).choices;

/**
 * OpenAI's completion with Azure's annotations: `prompt_filter_results`, and per choice
 * `content_filter_results`. A `filtered` answer is cut by the output filter: no content, and
 * finish reason `content_filter`.
 */
export function toAzureCompletion(
  meta: CompletionMeta,
  answer: FakeAnswer,
  usage: FakeUsage,
  filtered: boolean,
): Json {
  const completion = toChatCompletion(meta, answer, usage) as Json;
  for (const choice of choicesOf(completion)) {
    choice['content_filter_results'] = filtered ? BLOCKED : SAFE;
    if (filtered) {
      choice['finish_reason'] = 'content_filter';
      (choice['message'] as Json)['content'] = null;
    }
  }
  return { ...completion, prompt_filter_results: PROMPT_FILTER_RESULTS };
}

/**
 * Azure's stream: first a chunk that is only the prompt's filter verdict (empty `id`, `object`
 * and `model`, no choices), then OpenAI's chunks each annotated with its filter verdict. A
 * `filtered` answer stops after its first words with finish reason `content_filter`.
 */
export function toAzureChunks(
  meta: CompletionMeta,
  answer: FakeAnswer,
  usage: FakeUsage | undefined,
  filtered: boolean,
): object[] {
  let chunks = toChatCompletionChunks(meta, answer, usage) as Json[];
  if (filtered) {
    const usageChunk = usage ? chunks.slice(-1) : [];
    const finish = chunks[chunks.length - 1 - usageChunk.length]!;
    choicesOf(finish)[0]!['finish_reason'] = 'content_filter';
    chunks = [...chunks.slice(0, 2), finish, ...usageChunk];
  }
  for (const chunk of chunks) {
    for (const choice of choicesOf(chunk)) {
      const last = choice['finish_reason'] !== null;
      choice['content_filter_results'] = !last ? SAFE : filtered ? BLOCKED : {};
    }
  }
  const promptFilter = {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: PROMPT_FILTER_RESULTS,
  };
  return [promptFilter, ...chunks];
}
