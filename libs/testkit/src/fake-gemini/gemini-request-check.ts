import { isRecord } from '../fake-openai/message-text.js';
import { invalidArgument, unknownField, type GeminiFailure } from './gemini-errors.js';

/**
 * Checks a GenerateContentRequest as strictly as the Gemini API: an unknown field name (a
 * misspelt or snake/camel-confused one), a role other than user/model, an empty or ambiguous
 * part, bad base64, unmatched function results, or (on Gemini 3) an unsigned function call in the
 * history are all 400 INVALID_ARGUMENT, so an adapter bug fails here as it would in production.
 */
export function checkGenerateRequest(
  body: Record<string, unknown>,
  model: string,
): GeminiFailure | undefined {
  return (
    unknownKeys(body, TOP, '') ??
    checkConfig(body) ??
    checkTools(body['tools']) ??
    checkSystem(body['systemInstruction']) ??
    checkContents(body['contents'], model)
  );
}

const TOP = [
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'generationConfig',
  'safetySettings',
  'cachedContent',
];
const GENERATION = [
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'thinkingConfig',
  'mediaResolution',
];
const PART = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'thought',
  'thoughtSignature',
];
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'];
const DECLARATION = [
  'name',
  'description',
  'parameters',
  'parametersJsonSchema',
  'response',
  'responseJsonSchema',
];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

const snake = (path: string): string => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function unknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
): GeminiFailure | undefined {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  return extra === undefined ? undefined : unknownField(extra, snake(at));
}

function checkConfig(body: Record<string, unknown>): GeminiFailure | undefined {
  const config = body['generationConfig'];
  if (isRecord(config)) {
    const bad = unknownKeys(config, GENERATION, 'generationConfig');
    if (bad) return bad;
    if (config['responseSchema'] !== undefined && config['responseJsonSchema'] !== undefined) {
      return invalidArgument('response_schema and response_json_schema cannot both be set.');
    }
  }
  const calling = isRecord(body['toolConfig']) ? body['toolConfig']['functionCallingConfig'] : undefined;
  if (isRecord(calling)) {
    if (!['AUTO', 'ANY', 'NONE', 'VALIDATED'].includes(String(calling['mode']))) {
      return invalidArgument(
        `Invalid value at 'tool_config.function_calling_config.mode' (${String(calling['mode'])})`,
      );
    }
    if (calling['allowedFunctionNames'] !== undefined && calling['mode'] !== 'ANY') {
      return invalidArgument('allowed_function_names should only be set when the Mode is ANY.');
    }
  }
  return undefined;
}

function checkTools(tools: unknown): GeminiFailure | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalidArgument("Invalid value at 'tools': expected a list.");
  for (const [i, tool] of tools.entries()) {
    const declarations = isRecord(tool) ? tool['functionDeclarations'] : undefined;
    if (!Array.isArray(declarations)) continue;
    for (const [j, d] of declarations.entries()) {
      const at = `tools[${i}].functionDeclarations[${j}]`;
      if (!isRecord(d)) return invalidArgument(`Invalid value at '${snake(at)}'.`);
      const bad = unknownKeys(d, DECLARATION, at);
      if (bad) return bad;
      if (!FUNCTION_NAME.test(String(d['name']))) {
        return invalidArgument(`* GenerateContentRequest.${snake(at)}.name: Invalid function name.`);
      }
      if (d['parameters'] !== undefined && d['parametersJsonSchema'] !== undefined) {
        return invalidArgument('parameters and parameters_json_schema cannot both be set.');
      }
    }
  }
  return undefined;
}

function checkSystem(system: unknown): GeminiFailure | undefined {
  if (system === undefined) return undefined;
  if (!isRecord(system)) return invalidArgument("Invalid value at 'system_instruction'.");
  return (
    unknownKeys(system, ['parts', 'role'], 'systemInstruction') ??
    checkParts(system['parts'], 'systemInstruction')
  );
}

function checkContents(contents: unknown, model: string): GeminiFailure | undefined {
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalidArgument('* GenerateContentRequest.contents: contents is not specified');
  }
  let pendingCalls = 0;
  for (const [i, content] of contents.entries()) {
    const at = `contents[${i}]`;
    if (!isRecord(content)) return invalidArgument(`Invalid value at '${at}'.`);
    const bad = unknownKeys(content, ['role', 'parts'], at) ?? checkParts(content['parts'], at);
    if (bad) return bad;
    const role = content['role'];
    if (role !== undefined && role !== 'user' && role !== 'model') {
      return invalidArgument('Please use a valid role: user, model.');
    }
    const parts = content['parts'] as Record<string, unknown>[];
    const calls = parts.filter((p) => p['functionCall'] !== undefined);
    const results = parts.filter((p) => p['functionResponse'] !== undefined).length;
    if (results > 0 && results !== pendingCalls) {
      return invalidArgument(
        'Please ensure that the number of function response parts is equal to the number of function ' +
          'call parts of the function call turn.',
      );
    }
    if (/^gemini-3/.test(model) && calls.length > 0 && calls[0]!['thoughtSignature'] === undefined) {
      return invalidArgument(
        'Function call is missing a thought_signature in functionCall parts. This is required for tools ' +
          `to work correctly. Additional data, function call \`default_api:${String((calls[0]!['functionCall'] as { name: unknown }).name)}\`, position ${i + 1}.`,
      );
    }
    pendingCalls = role === 'model' ? calls.length : 0;
  }
  return undefined;
}

function checkParts(parts: unknown, at: string): GeminiFailure | undefined {
  if (!Array.isArray(parts) || parts.length === 0) {
    return invalidArgument(`* GenerateContentRequest.${snake(at)}.parts: contents.parts must not be empty.`);
  }
  for (const [j, part] of parts.entries()) {
    const where = `${at}.parts[${j}]`;
    if (!isRecord(part)) return invalidArgument(`Invalid value at '${snake(where)}'.`);
    const bad = unknownKeys(part, PART, where);
    if (bad) return bad;
    const data = PART_DATA.filter((k) => part[k] !== undefined);
    if (data.length !== 1) {
      return invalidArgument(
        `Invalid value at '${snake(where)}': a part must hold exactly one kind of data.`,
      );
    }
    if (part['text'] === '') {
      return invalidArgument('Unable to submit request because it has an empty text parameter.');
    }
    const inline = part['inlineData'];
    if (
      isRecord(inline) &&
      (typeof inline['mimeType'] !== 'string' || !BASE64.test(String(inline['data'])))
    ) {
      return invalidArgument(
        `Invalid value at '${snake(where)}.inline_data.data' (TYPE_BYTES), Base64 decoding failed.`,
      );
    }
    const call = part['functionCall'];
    if (isRecord(call) && call['args'] !== undefined && !isRecord(call['args'])) {
      return invalidArgument(
        `Invalid value at '${snake(where)}.function_call.args' (type.googleapis.com/google.protobuf.Struct).`,
      );
    }
    const result = part['functionResponse'];
    if (isRecord(result) && !isRecord(result['response'])) {
      return invalidArgument(
        `Invalid value at '${snake(where)}.function_response.response' (type.googleapis.com/google.protobuf.Struct).`,
      );
    }
  }
  return undefined;
}
