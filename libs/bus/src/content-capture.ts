import { Headers, Subjects, type RequestContent } from '@switchyard/contracts';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { StreamAssembler } from './answer-capture.js';
import { publishEvent } from './local-events.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Keeps a request's answer text for its `request.content` event; exists only when recording is on. */
export interface ContentCapture {
  chunk(data: Uint8Array): void;
  /** The request ended: publishes the prompt and the answer (a whole `response` body, or the chunks kept). */
  end(response?: Uint8Array): void;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

/** One message's content as text: its text parts, `[image]` / `[audio]` / `[file]` for the rest. */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: unknown) => {
      if (!isRecord(p)) return '';
      if (typeof p.text === 'string') return p.text;
      if (p.type === 'image_url') return '[image]';
      if (p.type === 'input_audio') return '[audio]';
      return typeof p.type === 'string' ? `[${p.type}]` : '';
    })
    .join(' ');
}

/** The prompt as text: chat messages as `role: text` lines, or embeddings inputs one a line. */
export function promptText(body: Uint8Array): string {
  const json = parse(body);
  if (!isRecord(json)) return '';
  if (Array.isArray(json.messages)) {
    return json.messages
      .map((m: unknown) => (isRecord(m) ? `${String(m.role)}: ${partsText(m.content)}` : ''))
      .join('\n');
  }
  const input = json.input;
  if (typeof input === 'string') return input;
  if (Array.isArray(input))
    return input.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n');
  return '';
}

/** A chat.completion's message text (every choice, one a line); embeddings answers have none. */
function answerText(completion: unknown): string | undefined {
  if (!isRecord(completion) || !Array.isArray(completion.choices)) return undefined;
  return completion.choices
    .map((c: unknown) => {
      const message = isRecord(c) && isRecord(c.message) ? c.message : {};
      const calls = Array.isArray(message.tool_calls) ? ` ${JSON.stringify(message.tool_calls)}` : '';
      return `${typeof message.content === 'string' ? message.content : ''}${calls}`;
    })
    .join('\n');
}

/** `text` cut to at most `maxBytes` of UTF-8, never in the middle of a character. */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  const bytes = encoder.encode(text);
  if (bytes.byteLength <= maxBytes) return { text, cut: false };
  // A replacement character at the end means a character was split: drop it.
  return { text: decoder.decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, ''), cut: true };
}

/**
 * Capture for a request policy stamped `sy-record-content: <max bytes>` (undefined otherwise, so a
 * request costs one header lookup when recording is off). The event goes on core NATS to
 * telemetry, which redacts it before anything is written; each text is cut to the size first.
 */
export function createContentCapture(
  nc: NatsConnection,
  request: MsgHdrs | undefined,
  body: Uint8Array,
): ContentCapture | undefined {
  const maxBytes = Number(request?.get(Headers.recordContent));
  if (!(maxBytes > 0)) return undefined;
  let assembler: StreamAssembler | undefined;

  return {
    chunk(data) {
      const chunk = parse(data);
      if (!isRecord(chunk)) return;
      assembler ??= new StreamAssembler();
      assembler.add(chunk);
    },
    end(response) {
      if (nc.isClosed()) return;
      const prompt = cutToBytes(promptText(body), maxBytes);
      const completion = response !== undefined ? parse(response) : assembler?.completion(undefined);
      const text = answerText(completion);
      const answer = text === undefined ? undefined : cutToBytes(text, maxBytes);
      const event: RequestContent = { request_id: request!.get(Headers.requestId), prompt: prompt.text };
      if (answer !== undefined) event.answer = answer.text;
      if (prompt.cut || answer?.cut) event.truncated = true;
      publishEvent(nc, Subjects.events.requestContent, JSON.stringify(event));
    },
  };
}
