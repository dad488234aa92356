/** Cosine similarity of two vectors of the same length; 0 when either is all zeros or the lengths differ. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The closest vector at or above `threshold`, by brute force over a bounded set. */
export function nearest(
  query: Float32Array,
  candidates: ReadonlyArray<readonly [string, Float32Array]>,
  threshold: number,
): { key: string; similarity: number } | undefined {
  let best: { key: string; similarity: number } | undefined;
  for (const [key, vector] of candidates) {
    const similarity = cosine(query, vector);
    if (similarity >= threshold && similarity > (best?.similarity ?? -Infinity)) best = { key, similarity };
  }
  return best;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .filter((p): p is Json => isRecord(p) && p.type === 'text' && typeof p.text === 'string')
          .map((p) => p.text as string)
          .join('\n')
      : '';

/** The text a prompt is embedded from: the last user message, or every message as `role: text` lines. */
export function promptText(body: Json, input: 'last_user_message' | 'all_messages'): string {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  if (input === 'last_user_message') return textOf(messages.findLast((m) => m.role === 'user')?.content);
  return messages.map((m) => `${String(m.role)}: ${textOf(m.content)}`).join('\n');
}
