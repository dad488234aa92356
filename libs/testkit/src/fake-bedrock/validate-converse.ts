import { isRecord } from './converse-text.js';

/**
 * The checks Bedrock makes on a Converse body before any model sees it, with its wording; the
 * first failure is returned. A fake that accepted anything would let a broken translation pass.
 */

const TOP_LEVEL = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
]);
const INFERENCE = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const BLOCKS = new Set([
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
]);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

const extraneous = (where: string, key: string): string =>
  `Malformed input request: ${where}: extraneous key [${key}] is not permitted, please reformat your input and try again.`;

export function validateConverse(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) return extraneous('#', key);
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
  }
  return (
    checkInference(body['inferenceConfig']) ??
    checkTools(body['toolConfig']) ??
    checkSystem(body['system']) ??
    checkMessages(messages, body['toolConfig'] !== undefined)
  );
}

function checkInference(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  if (!isRecord(config)) return 'Malformed input request: #/inferenceConfig: expected type: JSONObject';
  for (const key of Object.keys(config)) if (!INFERENCE.has(key)) return extraneous('#/inferenceConfig', key);
  const max = config['maxTokens'];
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1)) {
    return "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1";
  }
  const stops = config['stopSequences'];
  if (stops !== undefined && (!Array.isArray(stops) || stops.some((s) => typeof s !== 'string'))) {
    return 'Malformed input request: #/inferenceConfig/stopSequences: expected type: JSONArray of strings';
  }
  return undefined;
}

function checkTools(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  const tools = isRecord(config) ? config['tools'] : undefined;
  if (!Array.isArray(tools) || tools.length === 0) {
    return "1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
  }
  for (const tool of tools) {
    const spec = isRecord(tool) ? tool['toolSpec'] : undefined;
    const schema = isRecord(spec) && isRecord(spec['inputSchema']) ? spec['inputSchema']['json'] : undefined;
    if (!isRecord(spec) || typeof spec['name'] !== 'string' || !isRecord(schema)) {
      return 'Malformed input request: toolConfig.tools: each tool needs toolSpec.name and toolSpec.inputSchema.json';
    }
  }
  const choice = (config as Record<string, unknown>)['toolChoice'];
  if (choice !== undefined) {
    const keys = isRecord(choice) ? Object.keys(choice) : [];
    if (keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0]!)) {
      return 'Malformed input request: toolConfig.toolChoice: exactly one of auto, any or tool is required';
    }
  }
  return undefined;
}

function checkSystem(system: unknown): string | undefined {
  if (system === undefined) return undefined;
  if (!Array.isArray(system)) return 'Malformed input request: #/system: expected type: JSONArray';
  const blank = system.findIndex(
    (b) => !isRecord(b) || (typeof b['text'] === 'string' && b['text'].trim() === ''),
  );
  return blank < 0
    ? undefined
    : `The text field in the SystemContentBlock object at system.${blank} is blank. Add text to the text field, and try again.`;
}

function checkMessages(messages: unknown[], hasToolConfig: boolean): string | undefined {
  let previousToolUses: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) return `Malformed input request: #/messages/${i}: expected type: JSONObject`;
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') {
      return `1 validation error detected: Value '${String(role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    }
    if (i === 0 && role !== 'user') {
      return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    }
    if (i > 0 && (messages[i - 1] as Record<string, unknown>)['role'] === role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    const content = message['content'];
    if (!Array.isArray(content) || content.length === 0) {
      return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    }
    const toolUses: string[] = [];
    for (const [j, block] of content.entries()) {
      const keys = isRecord(block) ? Object.keys(block) : [];
      if (keys.length !== 1 || !BLOCKS.has(keys[0]!)) {
        return `Malformed input request: #/messages/${i}/content/${j}: exactly one known content block member is required`;
      }
      const value = (block as Record<string, unknown>)[keys[0]!];
      const where = `messages.${i}.content.${j}`;
      if (keys[0] === 'text' && (typeof value !== 'string' || value.trim() === '')) {
        return `The text field in the ContentBlock object at ${where} is blank. Add text to the text field, and try again.`;
      }
      if ((keys[0] === 'toolUse' || keys[0] === 'toolResult') && !hasToolConfig) {
        return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
      }
      if (keys[0] === 'toolUse' && isRecord(value)) {
        if (!isRecord(value['input']))
          return `Malformed input request: #/${where}/toolUse/input: expected type: JSONObject`;
        toolUses.push(String(value['toolUseId']));
      }
      if (
        keys[0] === 'toolResult' &&
        isRecord(value) &&
        !previousToolUses.includes(String(value['toolUseId']))
      ) {
        return `${where}.toolResult.toolUseId: the toolResult blocks must answer toolUse ids of the previous assistant turn: [${previousToolUses.join(', ')}]`;
      }
      if (keys[0] === 'image') {
        const error = checkImage(value, where);
        if (error) return error;
      }
    }
    previousToolUses = toolUses;
  }
  return undefined;
}

// The first bytes of each format, so a mislabelled or mangled image fails as it does on Bedrock.
const MAGIC: Readonly<Record<string, (b: Buffer) => boolean>> = {
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8,
  gif: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  webp: (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

function checkImage(image: unknown, where: string): string | undefined {
  const format = isRecord(image) ? image['format'] : undefined;
  const source = isRecord(image) ? image['source'] : undefined;
  const bytes = isRecord(source) ? source['bytes'] : undefined;
  if (typeof format !== 'string' || !IMAGE_FORMATS.has(format)) {
    return `1 validation error detected: Value '${String(format)}' at '${where}.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]`;
  }
  if (
    typeof bytes !== 'string' ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(bytes) ||
    !MAGIC[format]!(Buffer.from(bytes, 'base64'))
  ) {
    return `The image at ${where} could not be processed: its bytes are not a valid ${format} image.`;
  }
  return undefined;
}
