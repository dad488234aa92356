/** The fields every completion and chunk of one demo answer share. */
export interface DemoMeta {
  id: string;
  created: number;
  model: string;
}

export interface DemoUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

const FINGERPRINT = 'fp_switchyard_demo';

/** A `chat.completion` as OpenAI's API returns it, field for field. */
export function toDemoCompletion(meta: DemoMeta, text: string, usage: DemoUsage): object {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    system_fingerprint: FINGERPRINT,
  };
}

export interface DemoChunks {
  role: object;
  words: object[];
  finish: object;
  /** Present only when the caller asked for usage. */
  usage?: object;
}

/**
 * The chunks of a streamed demo answer: a role chunk, one per word, a finish chunk, and a usage
 * chunk with no choices when asked for. As OpenAI does, chunks carry `usage: null` only then.
 */
export function toDemoChunks(
  meta: DemoMeta,
  deltas: readonly string[],
  usage: DemoUsage | undefined,
): DemoChunks {
  const chunk = (choices: object[], extra: object = {}): object => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
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
  const chunks: DemoChunks = {
    role: chunk([choice({ role: 'assistant', content: '', refusal: null })]),
    words: deltas.map((content) => chunk([choice({ content })])),
    finish: chunk([choice({}, 'stop')]),
  };
  if (usage) chunks.usage = chunk([], { usage });
  return chunks;
}
