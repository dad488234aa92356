import { splitIntoDeltas } from '../fake-openai/message-text.js';
import type { FakeBlock, FakeReply } from './fake-reply.js';
import type { AnthropicUsage } from './fake-usage.js';

/** The fields every message and stream of one answer share. */
export interface MessageMeta {
  id: string;
  model: string;
}

/** One server-sent event as the Messages API names it: `event: <name>` then its JSON `data:`. */
export interface NamedEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A whole `message` object, field for field as the API returns it. */
export function toMessage(meta: MessageMeta, reply: FakeReply, usage: AnthropicUsage): object {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage,
  };
}

/**
 * Every event of a streamed answer, in the documented order: message_start (input usage,
 * output_tokens 1), per block content_block_start / deltas / content_block_stop (a ping after
 * the first start), message_delta (stop reason and final output tokens), message_stop.
 */
export function toStreamEvents(meta: MessageMeta, reply: FakeReply, usage: AnthropicUsage): NamedEvent[] {
  const event = (name: string, data: Record<string, unknown>): NamedEvent => ({
    event: name,
    data: { type: name, ...data },
  });
  const events: NamedEvent[] = [
    event('message_start', {
      message: {
        ...toMessage(meta, reply, { ...usage, output_tokens: 1 }),
        content: [],
        stop_reason: null,
        stop_sequence: null,
      },
    }),
  ];
  reply.content.forEach((block, index) => {
    events.push(event('content_block_start', { index, content_block: emptyOf(block) }));
    if (index === 0) events.push(event('ping', {}));
    for (const delta of deltasOf(block)) events.push(event('content_block_delta', { index, delta }));
    events.push(event('content_block_stop', { index }));
  });
  events.push(
    event('message_delta', {
      delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
      usage: { output_tokens: usage.output_tokens },
    }),
    event('message_stop', {}),
  );
  return events;
}

/** A block as content_block_start announces it: text empty, tool input `{}` (it follows as JSON deltas). */
const emptyOf = (block: FakeBlock): object =>
  block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} };

function deltasOf(block: FakeBlock): object[] {
  if (block.type === 'text') return splitIntoDeltas(block.text).map((text) => ({ type: 'text_delta', text }));
  // The API opens with an empty partial_json, then sends the JSON in arbitrary slices.
  const json = JSON.stringify(block.input);
  const pieces = [''];
  for (let i = 0; i < json.length; i += 7) pieces.push(json.slice(i, i + 7));
  return pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json }));
}
