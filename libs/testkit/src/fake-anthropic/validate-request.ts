import { isRecord } from '../fake-openai/message-text.js';

/**
 * The Messages API's own checks on a request body, with its wording. The fake is strict where
 * the API is (unknown fields, roles, tool_use/tool_result pairing), so an adapter that leaks an
 * OpenAI field or breaks a tool round trip fails here as it would against the real API.
 * Returns the 400 message, or undefined when the body is acceptable.
 */
export function validateMessagesRequest(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) return `${key}: Extra inputs are not permitted`;
  }
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    return 'max_tokens: Input should be greater than or equal to 1';
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    return 'stream: Input should be a valid boolean';
  const temperature = body.temperature;
  if (typeof temperature === 'number' && (temperature < 0 || temperature > 1))
    return 'temperature: Input should be less than or equal to 1';
  if (body.system !== undefined && typeof body.system !== 'string') {
    const problem = checkTextBlocks(body.system, 'system');
    if (problem) return problem;
  }
  return checkTools(body.tools, body.tool_choice) ?? checkMessages(body.messages);
}

const KNOWN_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
  'cache_control',
  'container',
  'inference_geo',
  'output_config',
  'mcp_servers',
  'context_management',
]);

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function checkTools(tools: unknown, choice: unknown): string | undefined {
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, tool] of tools.entries()) {
      if (!isRecord(tool) || typeof tool.name !== 'string') return `tools.${i}.name: Field required`;
      if (!isRecord(tool.input_schema)) return `tools.${i}.input_schema: Field required`;
    }
  }
  if (choice !== undefined) {
    const type = isRecord(choice) ? choice.type : undefined;
    if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none')
      return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
    if (type === 'tool' && typeof (choice as Record<string, unknown>).name !== 'string')
      return 'tool_choice.tool.name: Field required';
  }
  return undefined;
}

function checkMessages(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return 'messages: Field required';
  if (messages.length === 0) return 'messages: at least one message is required';
  let previous: Record<string, unknown> | undefined;
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) return `messages.${i}: Input should be a valid dictionary`;
    const { role } = message;
    if (role === 'system') {
      return 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
    }
    if (role !== 'user' && role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    // The API now merges consecutive same-role turns; the fake refuses them as API versions
    // before that did, so an adapter that forgets to merge (Anthropic's documented contract) is caught.
    if (previous?.role === role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    const problem = checkContent(message.content, `messages.${i}`) ?? checkToolPairing(previous, message, i);
    if (problem) return problem;
    previous = message;
  }
  return undefined;
}

function checkContent(content: unknown, at: string): string | undefined {
  if (typeof content === 'string') return content === '' ? EMPTY_TEXT : undefined;
  if (!Array.isArray(content)) return `${at}.content: Field required`;
  if (content.length === 0) return `${at}: all messages must have non-empty content`;
  for (const [j, block] of content.entries()) {
    const where = `${at}.content.${j}`;
    if (!isRecord(block)) return `${where}: Input should be a valid dictionary`;
    if (block.type === 'text') {
      if (typeof block.text !== 'string' || block.text === '') return EMPTY_TEXT;
    } else if (block.type === 'image') {
      const problem = checkImageSource(block.source, `${where}.image.source`);
      if (problem) return problem;
    } else if (block.type === 'document') {
      if (!isRecord(block.source)) return `${where}.document.source: Field required`;
    } else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string' || !isRecord(block.input))
        return `${where}.tool_use.input: Input should be a valid dictionary`;
    } else if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string') return `${where}.tool_result.tool_use_id: Field required`;
    } else {
      return `${where}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`;
    }
  }
  return undefined;
}

const EMPTY_TEXT = 'messages: text content blocks must be non-empty';

function checkImageSource(source: unknown, at: string): string | undefined {
  if (!isRecord(source)) return `${at}: Field required`;
  if (source.type === 'base64') {
    if (typeof source.media_type !== 'string' || !IMAGE_TYPES.has(source.media_type))
      return `${at}.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
    if (typeof source.data !== 'string' || source.data === '') return `${at}.base64.data: Field required`;
    return undefined;
  }
  if (source.type === 'url') {
    return typeof source.url === 'string' && /^https?:\/\//.test(source.url)
      ? undefined
      : `${at}.url.url: Input should be a valid URL`;
  }
  return `${at}: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags`;
}

const blocksOf = (message: Record<string, unknown> | undefined): Record<string, unknown>[] =>
  Array.isArray(message?.content) ? message.content.filter(isRecord) : [];

/** Each tool_use must be answered by a tool_result in the very next message, and only then. */
function checkToolPairing(
  previous: Record<string, unknown> | undefined,
  message: Record<string, unknown>,
  i: number,
): string | undefined {
  const asked = new Set(blocksOf(previous).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
  const answered = blocksOf(message).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []));
  const unexpected = answered.filter((id) => !asked.has(id));
  if (unexpected.length > 0) {
    return (
      `messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. ` +
      'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
    );
  }
  const missing = [...asked].filter((id) => !answered.includes(id));
  if (missing.length > 0) {
    return (
      `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
      `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
    );
  }
  return undefined;
}

function checkTextBlocks(value: unknown, at: string): string | undefined {
  if (!Array.isArray(value)) return `${at}: Input should be a valid string or list`;
  for (const [j, block] of value.entries()) {
    if (!isRecord(block) || block.type !== 'text') return `${at}.${j}.type: Input should be 'text'`;
    if (typeof block.text !== 'string' || block.text === '')
      return `${at}: text content blocks must be non-empty`;
  }
  return undefined;
}
