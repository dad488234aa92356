import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import { refuseUnlessDropped, type ParamPolicy } from '../unsupported-params.js';

/** One message of Ollama's `/api/chat`. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  tool_calls?: { function: { name: string; arguments: Record<string, unknown> } }[];
  tool_name?: string;
}

const DATA_URL = /^data:[^;,]+;base64,/;

/**
 * OpenAI messages as Ollama's: developer → system, text parts joined, images as bare base64
 * (Ollama takes no image URLs), tool-call arguments as objects, and a tool result named by the
 * tool that was called. What Ollama cannot take is refused naming the part, unless dropped.
 */
export function toOllamaMessages(messages: unknown, policy: ParamPolicy): OllamaMessage[] {
  if (!Array.isArray(messages)) return [];
  const toolNames = new Map<string, string>();
  return messages.filter(isRecord).map((m, i) => {
    const at = `messages[${i}]`;
    switch (m['role']) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m['content'], at, policy).text };
      case 'user': {
        const { text, images } = textOf(m['content'], at, policy);
        return images.length > 0 ? { role: 'user', content: text, images } : { role: 'user', content: text };
      }
      case 'assistant':
        return toAssistant(m, at, policy, toolNames);
      case 'tool': {
        const name = toolNames.get(String(m['tool_call_id']));
        const content = textOf(m['content'], at, policy).text;
        return name === undefined ? { role: 'tool', content } : { role: 'tool', content, tool_name: name };
      }
      case 'function': // OpenAI's legacy tool result
        return { role: 'tool', content: String(m['content'] ?? ''), tool_name: String(m['name']) };
      default:
        throw new GatewayError('invalid_request', `Unknown role in ${at}.`, { param: `${at}.role` });
    }
  });
}

function toAssistant(
  m: Record<string, unknown>,
  at: string,
  policy: ParamPolicy,
  toolNames: Map<string, string>,
): OllamaMessage {
  const message: OllamaMessage = { role: 'assistant', content: textOf(m['content'], at, policy).text };
  const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'].filter(isRecord) : [];
  if (calls.length === 0) return message;
  message.tool_calls = calls.map((call, j) => {
    const fn = isRecord(call['function']) ? call['function'] : {};
    const name = String(fn['name']);
    toolNames.set(String(call['id']), name);
    return {
      function: {
        name,
        arguments: parseArguments(fn['arguments'], `${at}.tool_calls[${j}].function.arguments`),
      },
    };
  });
  return message;
}

/** Ollama takes arguments as an object; OpenAI carries them as JSON text. */
function parseArguments(value: unknown, param: string): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (isRecord(parsed)) return parsed;
  } catch {
    // refused below
  }
  throw new GatewayError('invalid_request', `${param} must be a JSON object for Ollama.`, { param });
}

/** The text of a message's content, and for a user message its images as bare base64. */
function textOf(content: unknown, at: string, policy: ParamPolicy): { text: string; images: string[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  if (!Array.isArray(content)) return { text: '', images };
  content.filter(isRecord).forEach((part, j) => {
    const param = `${at}.content[${j}]`;
    if (part['type'] === 'text') texts.push(String(part['text']));
    else if (part['type'] === 'image_url') {
      const url = isRecord(part['image_url']) ? String(part['image_url']['url']) : '';
      if (DATA_URL.test(url)) images.push(url.slice(url.indexOf(',') + 1));
      else
        refuseUnlessDropped(
          policy,
          `${param}.image_url`,
          'Ollama takes images inline only (base64 data: URLs)',
        );
    } else if (part['type'] !== 'refusal') {
      refuseUnlessDropped(
        policy,
        param,
        `Ollama takes only text and image parts, not ${String(part['type'])}`,
      );
    }
  });
  return { text: texts.join('\n'), images };
}
