import type { Writable } from 'node:stream';

const DATA = Buffer.from('data: ');
const END_OF_EVENT = Buffer.from('\n\n');
const DONE = Buffer.from('data: [DONE]\n\n');

/** One server-sent event carrying `payload` as its data, in a single buffer (one chunk on the wire). */
export const sseEvent = (payload: Uint8Array): Buffer => Buffer.concat([DATA, payload, END_OF_EVENT]);

export interface SseWriter {
  /** Writes `data: <payload>\n\n` now, or after the events before it when the socket is full. */
  event(payload: Uint8Array): void;
  /** Writes text already framed as events (a dialect's `event: …\ndata: …\n\n`); nothing for ''. */
  framed(text: string): void;
  /** Writes OpenAI's end-of-stream marker `data: [DONE]` and ends. */
  done(): void;
  /** Ends the response once everything queued is written. */
  end(): void;
}

/**
 * Writes events as they come, never held back for batching. When the socket pushes back, later
 * events wait in order in memory until it drains: frames keep arriving from NATS meanwhile, and
 * dropping one would corrupt the answer.
 */
export function createSseWriter(out: Writable): SseWriter {
  const waiting: Buffer[] = [];
  let blocked = false;
  let ending = false;

  const flush = (): void => {
    blocked = false;
    let i = 0;
    while (i < waiting.length) {
      if (!out.write(waiting[i++]!)) {
        waiting.splice(0, i);
        block();
        return;
      }
    }
    waiting.length = 0;
    if (ending) out.end();
  };

  const block = (): void => {
    blocked = true;
    out.once('drain', flush);
  };

  const write = (bytes: Buffer): void => {
    if (ending || out.destroyed) return;
    if (blocked) waiting.push(bytes);
    else if (!out.write(bytes)) block();
  };

  const end = (): void => {
    if (ending) return;
    ending = true;
    if (!blocked) out.end();
  };

  return {
    event: (payload) => write(sseEvent(payload)),
    framed(text) {
      if (text !== '') write(Buffer.from(text));
    },
    done() {
      write(DONE);
      end();
    },
    end,
  };
}
