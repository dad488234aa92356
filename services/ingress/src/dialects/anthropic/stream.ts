import type { ChatCompletionChunk, FinishReason, Usage } from '@switchyard/contracts';
import {
  toAnthropicUsage,
  toMessageId,
  toStopReason,
  type AnthropicMessage,
  type AnthropicUsage,
  type StopReason,
} from './from-canonical.js';

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | {
      type: 'content_block_start';
      index: number;
      content_block:
        { type: 'text'; text: '' } | { type: 'tool_use'; id: string; name: string; input: object };
    }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: StopReason; stop_sequence: null };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' };

export interface StreamTranslator {
  /** The events one canonical chunk stands for (often one, sometimes none or several). */
  chunk(chunk: ChatCompletionChunk): AnthropicStreamEvent[];
  /** The events that end the message, once the canonical stream is done. */
  done(): AnthropicStreamEvent[];
}

export interface StreamTranslatorOptions {
  /** The message id when the stream ends before any chunk gave one. */
  fallbackId: string;
}

/**
 * OpenAI chunks in, Anthropic stream events out: `message_start`, then content blocks (a text
 * block, or one `tool_use` block per tool call index, each started, filled and stopped in turn),
 * then `message_delta` with the stop reason and the usage, and `message_stop`.
 *
 * Usage: OpenAI counts tokens only in the last chunk, so `message_start` carries zeros (unless the
 * first chunk had usage) and `message_delta` carries every count, input tokens included.
 */
export function createStreamTranslator(options: StreamTranslatorOptions): StreamTranslator {
  let started = false;
  let messageId = options.fallbackId;
  let nextBlock = 0;
  /** The block being filled: text, or the tool call with this OpenAI index. */
  let open: { block: number; tool: number | undefined } | undefined;
  const toolBlocks = new Map<number, number>();
  let finish: FinishReason | null = null;
  let refused = false;
  let usage: Usage | null | undefined;

  const start = (chunk: ChatCompletionChunk | undefined, out: AnthropicStreamEvent[]): void => {
    started = true;
    if (chunk) messageId = toMessageId(chunk.id);
    const message: AnthropicMessage = {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: chunk?.model ?? '',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: toAnthropicUsage(chunk?.usage),
    };
    out.push({ type: 'message_start', message });
  };

  const close = (out: AnthropicStreamEvent[]): void => {
    if (open === undefined) return;
    out.push({ type: 'content_block_stop', index: open.block });
    open = undefined;
  };

  const text = (value: string, out: AnthropicStreamEvent[]): void => {
    if (open === undefined || open.tool !== undefined) {
      close(out);
      open = { block: nextBlock++, tool: undefined };
      out.push({ type: 'content_block_start', index: open.block, content_block: { type: 'text', text: '' } });
    }
    out.push({ type: 'content_block_delta', index: open.block, delta: { type: 'text_delta', text: value } });
  };

  type ToolDelta = NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number];
  const tool = (call: ToolDelta, out: AnthropicStreamEvent[]): void => {
    let block = toolBlocks.get(call.index);
    if (block === undefined) {
      close(out);
      block = nextBlock++;
      toolBlocks.set(call.index, block);
      open = { block, tool: call.index };
      const id = call.id ?? `toolu_${messageId.replace(/^msg_/, '')}_${call.index}`;
      const name = call.function?.name ?? '';
      out.push({
        type: 'content_block_start',
        index: block,
        content_block: { type: 'tool_use', id, name, input: {} },
      });
    }
    // A late delta for an earlier call (no known upstream interleaves them) still reaches its block.
    const args = call.function?.arguments;
    if (args) {
      const delta = { type: 'input_json_delta', partial_json: args } as const;
      out.push({ type: 'content_block_delta', index: block, delta });
    }
  };

  return {
    chunk(chunk) {
      const out: AnthropicStreamEvent[] = [];
      if (!started) start(chunk, out);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices.find((c) => c.index === 0);
      if (choice === undefined) return out;
      const { content, refusal, tool_calls: calls } = choice.delta;
      if (content) text(content, out);
      if (refusal) {
        refused = true;
        text(refusal, out);
      }
      for (const call of calls ?? []) tool(call, out);
      if (choice.finish_reason !== null) {
        finish = choice.finish_reason;
        close(out);
      }
      return out;
    },
    done() {
      const out: AnthropicStreamEvent[] = [];
      if (!started) start(undefined, out);
      close(out);
      const stopReason = toStopReason(finish, toolBlocks.size > 0, refused);
      out.push({
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: toAnthropicUsage(usage),
      });
      out.push({ type: 'message_stop' });
      return out;
    },
  };
}
