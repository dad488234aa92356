type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A stored `chat.completion` told again as the chunks of a stream, as OpenAI streams it: per
 * choice a role chunk, a content (or refusal, or tool calls) chunk and a finish chunk; then, when
 * the caller asked with `stream_options.include_usage`, one chunk with no choices and the usage.
 */
export function toChunks(answer: Json, includeUsage: boolean): Json[] {
  const base: Json = {
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
  };
  if (answer.system_fingerprint !== undefined) base.system_fingerprint = answer.system_fingerprint;
  if (answer.service_tier !== undefined) base.service_tier = answer.service_tier;
  const chunk = (choices: Json[]): Json => ({ ...base, choices, ...(includeUsage && { usage: null }) });
  const choice = (index: unknown, delta: Json, finish_reason: unknown = null): Json => ({
    index,
    delta,
    logprobs: null,
    finish_reason,
  });

  const chunks: Json[] = [];
  const choices = Array.isArray(answer.choices) ? answer.choices.filter(isRecord) : [];
  for (const c of choices) {
    const message = isRecord(c.message) ? c.message : {};
    chunks.push(chunk([choice(c.index, { role: 'assistant', content: '', refusal: null })]));
    if (typeof message.content === 'string' && message.content !== '')
      chunks.push(chunk([choice(c.index, { content: message.content })]));
    if (typeof message.refusal === 'string')
      chunks.push(chunk([choice(c.index, { refusal: message.refusal })]));
    if (Array.isArray(message.tool_calls)) {
      const tool_calls = message.tool_calls.filter(isRecord).map((t, index) => ({ index, ...t }));
      chunks.push(chunk([choice(c.index, { tool_calls })]));
    }
    chunks.push(chunk([choice(c.index, {}, c.finish_reason ?? 'stop')]));
  }
  if (includeUsage && isRecord(answer.usage)) chunks.push({ ...base, choices: [], usage: answer.usage });
  return chunks;
}

/** The caller asked for the usage chunk at the end of its stream. */
export const wantsUsage = (body: Json): boolean =>
  isRecord(body.stream_options) && body.stream_options.include_usage === true;
