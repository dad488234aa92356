import type { ConverseAnswer } from './converse-answer.js';
import { splitIntoDeltas } from './converse-text.js';

/** One ConverseStream event: its `:event-type` and JSON payload. */
export interface StreamEvent {
  type: string;
  payload: object;
}

const LATENCY_MS = 42;

/** The body of a Converse answer, member for member as Bedrock sends it. */
export function toConverseResponse(answer: ConverseAnswer): object {
  return {
    metrics: { latencyMs: LATENCY_MS },
    output: { message: { content: answer.content, role: 'assistant' } },
    stopReason: answer.stopReason,
    usage: answer.usage,
  };
}

// Bedrock pads each event with a "p" member of varying length, so payload sizes do not reveal the
// text; clients must ignore it, and the fake sends it to make sure they do.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const pad = (n: number): string => ALPHABET.slice(0, 1 + ((n * 7) % ALPHABET.length));

function slices(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * Every event of a ConverseStream answer, in Bedrock's order: messageStart; per content block,
 * for text the deltas then contentBlockStop (text blocks get no start event), for a toolUse a
 * contentBlockStart with its id and name, the input as partial JSON deltas, then its stop;
 * messageStop with the stop reason; metadata with usage and metrics last.
 */
export function toStreamEvents(answer: ConverseAnswer): StreamEvent[] {
  const events: StreamEvent[] = [];
  const push = (type: string, payload: object): void => {
    events.push({ type, payload: { ...payload, p: pad(events.length) } });
  };
  push('messageStart', { role: 'assistant' });
  answer.content.forEach((block, contentBlockIndex) => {
    if ('text' in block) {
      for (const text of splitIntoDeltas(block.text))
        push('contentBlockDelta', { contentBlockIndex, delta: { text } });
    } else {
      const { toolUseId, name, input } = block.toolUse;
      push('contentBlockStart', { contentBlockIndex, start: { toolUse: { toolUseId, name } } });
      for (const piece of slices(JSON.stringify(input), 8)) {
        push('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: piece } } });
      }
    }
    push('contentBlockStop', { contentBlockIndex });
  });
  push('messageStop', { stopReason: answer.stopReason });
  push('metadata', { usage: answer.usage, metrics: { latencyMs: LATENCY_MS } });
  return events;
}
