/**
 * Text helpers for the fake: it answers from what the caller said, so tests can check that a
 * prompt went through a gateway unchanged, and counts "tokens" as words so usage is predictable.
 */

/** The text of a message `content`: a string, or the text parts of a content-part array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .filter(Boolean)
    .join('\n');
}

/** The text of the last `role: "user"` message, or '' when there is none. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last = messages.findLast((m: unknown) => isRecord(m) && m.role === 'user') as
    Record<string, unknown> | undefined;
  return last ? contentText(last.content) : '';
}

/** The text of every message, for prompt token counts. */
export function allMessagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages.map((m: unknown) => (isRecord(m) ? contentText(m.content) : '')).join(' ');
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Splits text into stream deltas the way OpenAI's tokens fall: each piece carries its leading
 * whitespace ("Echo:", " hello", " world"), and the pieces join back to exactly the input.
 */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
