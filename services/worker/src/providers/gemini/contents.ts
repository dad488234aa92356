import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import { toGeminiMediaPart } from './media-parts.js';
import { readThoughtSignature } from './thought-signature.js';
import type { GeminiContent, GeminiPart } from './wire.js';

export interface GeminiConversation {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

type Message = Record<string, unknown>;

/**
 * OpenAI `messages` → Gemini `systemInstruction` + `contents`. System and developer messages, at
 * any position, become the system instruction; the assistant is the `model` role; tool results
 * are `functionResponse` parts of a user turn, named after the call they answer (Gemini matches
 * results to calls by name and order, not by id). Adjacent turns of one role are merged, as the
 * results of parallel calls must arrive together. Empty text is left out: Gemini rejects it.
 */
export function toGeminiConversation(messages: readonly unknown[]): GeminiConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();

  const add = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((raw, i) => {
    const m: Message = isRecord(raw) ? raw : {};
    const param = `messages[${i}]`;
    switch (m['role']) {
      case 'system':
      case 'developer':
        system.push(...textParts(m['content'], `${param}.content`));
        break;
      case 'user':
        add('user', userParts(m['content'], `${param}.content`));
        break;
      case 'assistant':
        add('model', [
          ...textParts(m['content'], `${param}.content`),
          ...callParts(m['tool_calls'], `${param}.tool_calls`, callNames),
        ]);
        break;
      case 'tool': {
        const id = String(m['tool_call_id']);
        const name = callNames.get(id);
        if (name === undefined) {
          throw invalid(
            `${param}.tool_call_id`,
            `"${id}" answers no tool call of an earlier assistant message`,
          );
        }
        add('user', [{ functionResponse: { name, response: toResponseObject(m['content']) } }]);
        break;
      }
      case 'function':
        add('user', [
          { functionResponse: { name: String(m['name']), response: toResponseObject(m['content']) } },
        ]);
        break;
      default:
        throw invalid(`${param}.role`, `"${String(m['role'])}" is not a role Gemini takes`);
    }
  });

  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

/** A string, or text parts (refusal parts of an earlier answer carry no text for the model). */
function textParts(content: unknown, param: string): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalid(param, 'is neither a string nor a list of parts');
  return content.flatMap((p: unknown) =>
    isRecord(p) && p['type'] === 'text' && typeof p['text'] === 'string' && p['text'] !== ''
      ? [{ text: p['text'] }]
      : [],
  );
}

function userParts(content: unknown, param: string): GeminiPart[] {
  if (!Array.isArray(content)) return textParts(content, param);
  return content.flatMap((p: unknown, j): GeminiPart[] => {
    const part = isRecord(p) ? p : {};
    if (part['type'] === 'text') return textParts([part], param);
    return [toGeminiMediaPart(part, `${param}[${j}]`)];
  });
}

/** Assistant tool calls → `functionCall` parts, remembering each id's function for its result. */
function callParts(toolCalls: unknown, param: string, callNames: Map<string, string>): GeminiPart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((raw: unknown, j): GeminiPart => {
    const call = isRecord(raw) ? raw : {};
    const fn = isRecord(call['function']) ? call['function'] : {};
    const name = String(fn['name']);
    callNames.set(String(call['id']), name);
    const args = parseArguments(fn['arguments'], `${param}[${j}].function.arguments`);
    const signature = readThoughtSignature(call);
    return {
      functionCall: { name, args },
      ...(signature === undefined ? {} : { thoughtSignature: signature }),
    };
  });
}

/** Gemini takes arguments as an object, where OpenAI has a JSON string. */
function parseArguments(value: unknown, param: string): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw invalid(param, 'is not valid JSON');
  }
  if (!isRecord(parsed)) throw invalid(param, 'is not a JSON object');
  return parsed;
}

/**
 * A tool result as Gemini's `response` object: a JSON object is passed as is; anything else (plain
 * text, a list, a number) goes under `output`, the key Gemini documents for a function's output.
 */
function toResponseObject(content: unknown): Record<string, unknown> {
  const text =
    typeof content === 'string'
      ? content
      : textParts(content, '')
          .map((p) => p.text)
          .join('');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text: kept as a string.
  }
  return isRecord(parsed) ? parsed : { output: parsed };
}

const invalid = (param: string, why: string): GatewayError =>
  new GatewayError('invalid_request', `Invalid value for '${param}': ${why}.`, { param });
