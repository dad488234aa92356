import type { ChatMessage, ChatRequest, Tool, ToolCall, UserContentPart } from '@switchyard/contracts';
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicRequest,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from './request.js';

type ImagePart = Extract<UserContentPart, { type: 'image_url' }>;

const textOf = (content: string | readonly { text: string }[], separator: string): string =>
  typeof content === 'string' ? content : content.map((block) => block.text).join(separator);

function toImagePart({ source }: AnthropicImageBlock): ImagePart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

/**
 * A tool result becomes an OpenAI `tool` message. Its text goes there; its images cannot (a tool
 * message carries text only), so they join the user message that follows the tool messages.
 */
function fromToolResult(block: AnthropicToolResultBlock): { message: ChatMessage; images: ImagePart[] } {
  const content = block.content ?? '';
  const images: ImagePart[] = [];
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const texts: string[] = [];
    for (const part of content) {
      if (part.type === 'text') texts.push(part.text);
      else images.push(toImagePart(part));
    }
    text = texts.join('\n');
  }
  // OpenAI has no error flag on a tool result: the model learns of the failure from the text.
  if (block.is_error === true) text = text === '' ? 'Error' : `Error: ${text}`;
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content: text }, images };
}

/** Tool results first (OpenAI wants them right after the assistant's tool calls), then the rest. */
function fromUser(content: string | AnthropicUserBlock[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const messages: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of content) {
    if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push(toImagePart(block));
    else {
      const { message, images } = fromToolResult(block);
      messages.push(message);
      parts.push(...images);
    }
  }
  if (parts.length > 0) messages.push({ role: 'user', content: parts });
  return messages;
}

function fromAssistant(content: string | AnthropicAssistantBlock[]): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    }
    // thinking and redacted_thinking: the model's earlier reasoning has no canonical place.
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: texts.join('') };
  return { role: 'assistant', content: texts.length > 0 ? texts.join('') : null, tool_calls: toolCalls };
}

function toMessages(req: AnthropicRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // One string: every OpenAI-compatible server takes a string system prompt, not all take parts.
  if (req.system !== undefined) messages.push({ role: 'system', content: textOf(req.system, '\n\n') });
  for (const message of req.messages) {
    if (message.role === 'user') messages.push(...fromUser(message.content));
    else if (message.role === 'assistant') messages.push(fromAssistant(message.content));
    else messages.push({ role: 'system', content: textOf(message.content, '\n\n') });
  }
  return messages;
}

const toTool = (tool: NonNullable<AnthropicRequest['tools']>[number]): Tool => ({
  type: 'function',
  function: {
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    parameters: tool.input_schema,
  },
});

function toToolChoice(choice: AnthropicToolChoice): ChatRequest['tool_choice'] {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/**
 * The canonical (OpenAI chat completions) body for an Anthropic Messages request. Streams always
 * ask for usage: Anthropic's stream ends with the token counts, which OpenAI sends only on request.
 */
export function toCanonical(req: AnthropicRequest): ChatRequest {
  const body: ChatRequest = { model: req.model, messages: toMessages(req), max_tokens: req.max_tokens };
  if (req.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.top_p = req.top_p;
  if (req.stop_sequences !== undefined && req.stop_sequences.length > 0) body.stop = req.stop_sequences;
  if (req.metadata?.user_id != null) body.user = req.metadata.user_id;
  // OpenAI refuses `tool_choice` and `parallel_tool_calls` without tools, and an empty tools list.
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map(toTool);
    if (req.tool_choice !== undefined) {
      body.tool_choice = toToolChoice(req.tool_choice);
      if ('disable_parallel_tool_use' in req.tool_choice && req.tool_choice.disable_parallel_tool_use) {
        body.parallel_tool_calls = false;
      }
    }
  }
  return body;
}
