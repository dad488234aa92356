import { GatewayError, type ChatMessage } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import type { ContentBlock, ConverseMessage } from './converse.js';
import { toImageBlock } from './image.js';

export interface ConverseConversation {
  system: { text: string }[];
  messages: ConverseMessage[];
}

const invalid = (message: string, param: string): GatewayError =>
  new GatewayError('invalid_request', message, { param });

/** The text pieces of a `content` that is a string or an array of text parts. */
function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part: unknown) => {
    if (!isRecord(part)) return [];
    if (typeof part['text'] === 'string') return [part['text']];
    if (typeof part['refusal'] === 'string') return [part['refusal']];
    return [];
  });
}

function userBlocks(content: unknown, at: string): ContentBlock[] {
  if (!Array.isArray(content)) return texts(content).map((text) => ({ text }));
  return content.map((part: unknown, j): ContentBlock => {
    const param = `${at}.content[${j}]`;
    if (isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string') {
      return { text: part['text'] };
    }
    if (isRecord(part) && part['type'] === 'image_url' && isRecord(part['image_url'])) {
      return toImageBlock(String(part['image_url']['url'] ?? ''), `${param}.image_url.url`);
    }
    const type = isRecord(part) ? String(part['type']) : typeof part;
    throw invalid(`Bedrock Converse does not accept "${type}" content parts through this gateway.`, param);
  });
}

function assistantBlocks(message: Record<string, unknown>, at: string): ContentBlock[] {
  // Converse refuses blank text blocks; an assistant turn that only called tools has none.
  const blocks: ContentBlock[] = texts(message['content'])
    .filter((text) => text.trim() !== '')
    .map((text) => ({ text }));
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  calls.forEach((call: unknown, j) => {
    const fn = isRecord(call) && isRecord(call['function']) ? call['function'] : {};
    blocks.push({
      toolUse: {
        toolUseId: String(isRecord(call) ? call['id'] : ''),
        name: String(fn['name'] ?? ''),
        input: parseArguments(fn['arguments'], `${at}.tool_calls[${j}].function.arguments`),
      },
    });
  });
  return blocks;
}

/** Converse wants a tool's input as a JSON object, where OpenAI carries the arguments as text. */
function parseArguments(args: unknown, param: string): unknown {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  if (typeof args !== 'string') return args;
  try {
    const input: unknown = JSON.parse(args);
    if (isRecord(input)) return input;
  } catch {
    // reported below
  }
  throw invalid('Tool call arguments must be a JSON object for Bedrock.', param);
}

function toolResultBlock(message: Record<string, unknown>): ContentBlock {
  return {
    toolResult: {
      toolUseId: String(message['tool_call_id'] ?? ''),
      // Passed as text, exactly as the caller wrote it: whether it parses as JSON is the model's business.
      content: texts(message['content']).map((text) => ({ text })),
    },
  };
}

/**
 * OpenAI's messages as a Converse conversation: system and developer messages become the
 * `system` blocks, tool results become user `toolResult` blocks, and consecutive messages of one
 * role are merged, because Converse requires user and assistant turns to alternate.
 */
export function toConverseConversation(messages: readonly ChatMessage[]): ConverseConversation {
  const system: { text: string }[] = [];
  const turns: ConverseMessage[] = [];
  const push = (role: ConverseMessage['role'], content: ContentBlock[]): void => {
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };

  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    const m = message as Record<string, unknown>;
    switch (message.role) {
      case 'system':
      case 'developer':
        // A blank system block is refused by Converse and says nothing: it is left out.
        system.push(
          ...texts(message.content)
            .filter((t) => t.trim() !== '')
            .map((text) => ({ text })),
        );
        return;
      case 'user':
        return push('user', userBlocks(message.content, at));
      case 'assistant': {
        const blocks = assistantBlocks(m, at);
        if (blocks.length > 0) push('assistant', blocks);
        return;
      }
      case 'tool':
        return push('user', [toolResultBlock(m)]);
      default:
        throw invalid(
          `Bedrock does not accept "${String(m['role'])}" messages: use tools and tool messages.`,
          `${at}.role`,
        );
    }
  });
  return { system, messages: turns };
}
