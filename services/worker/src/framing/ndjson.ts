import type { UpstreamEvent } from '../providers/types.js';

/**
 * Newline-delimited JSON (Ollama's streams): one event per non-blank line, its text as `data`.
 * Lines straddle network reads, and so do multi-byte characters; one batch per read that
 * completed a line, and a last line without its newline still counts.
 */
export async function* readNdjsonEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<UpstreamEvent[]> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const part of body) {
    const text = decoder.decode(part, { stream: true });
    // Only the new text can hold the next newline: a long line is not rescanned on every read.
    if (!text.includes('\n')) {
      pending += text;
      continue;
    }
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    const batch = toEvents(lines);
    if (batch.length > 0) yield batch;
  }
  const last = toEvents([pending + decoder.decode()]);
  if (last.length > 0) yield last;
}

function toEvents(lines: string[]): UpstreamEvent[] {
  const events: UpstreamEvent[] = [];
  for (const line of lines) {
    const data = line.trim(); // also drops the \r of CRLF line ends
    if (data !== '') events.push({ data });
  }
  return events;
}
