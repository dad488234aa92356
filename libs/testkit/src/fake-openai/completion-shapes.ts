import type { FakeAnswer, FakeUsage } from './fake-answer.js';
import { splitIntoDeltas } from './message-text.js';

/** The fields every completion and chunk of one response share. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

const FINGERPRINT = 'fp_switchyard_fake';

/** A full `chat.completion` object, field for field as the API returns it. */
export function toChatCompletion(meta: CompletionMeta, answer: FakeAnswer, usage: FakeUsage): object {
  const message =
    answer.kind === 'text'
      ? { role: 'assistant', content: answer.text, refusal: null, annotations: [] }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [
            { id: answer.id, type: 'function', function: { name: answer.name, arguments: answer.arguments } },
          ],
        };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      { index: 0, message, logprobs: null, finish_reason: answer.kind === 'text' ? 'stop' : 'tool_calls' },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

/**
 * Every `chat.completion.chunk` of a streamed answer, in order: the role chunk, one chunk per
 * word (or per slice of tool arguments), the finish chunk, then with `include_usage` a usage chunk
 * with no choices. OpenAI sends `usage: null` on the others only when usage was asked for.
 */
export function toChatCompletionChunks(
  meta: CompletionMeta,
  answer: FakeAnswer,
  usage: FakeUsage | undefined,
): object[] {
  const chunk = (choices: object[], extra: object = {}): object => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    ...(usage ? { usage: null } : {}),
    ...extra,
  });
  const choice = (delta: object, finish: string | null = null): object => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });

  const chunks: object[] = [];
  if (answer.kind === 'text') {
    chunks.push(chunk([choice({ role: 'assistant', content: '', refusal: null })]));
    for (const piece of splitIntoDeltas(answer.text)) chunks.push(chunk([choice({ content: piece })]));
    chunks.push(chunk([choice({}, 'stop')]));
  } else {
    const head = {
      index: 0,
      id: answer.id,
      type: 'function',
      function: { name: answer.name, arguments: '' },
    };
    chunks.push(chunk([choice({ role: 'assistant', content: null, tool_calls: [head], refusal: null })]));
    for (const piece of slices(answer.arguments, 8)) {
      chunks.push(chunk([choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] })]));
    }
    chunks.push(chunk([choice({}, 'tool_calls')]));
  }
  if (usage) chunks.push(chunk([], { usage }));
  return chunks;
}

function slices(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
