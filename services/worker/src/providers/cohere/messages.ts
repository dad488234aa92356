import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import { refuseUnlessDropped, type ParamPolicy } from '../unsupported-params.js';

/**
 * OpenAI messages as Cohere v2's. An assistant turn that calls tools carries its words as
 * Cohere's `tool_plan` (the model's plan before the calls), which is how Cohere's own answers
 * come back; images stay `image_url` parts; parts Cohere cannot read are refused naming them.
 */
export function toCohereMessages(messages: unknown, policy: ParamPolicy): Record<string, unknown>[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isRecord).flatMap((m, i) => {
    const at = `messages[${i}]`;
    switch (m['role']) {
      case 'system':
      case 'developer':
        return [{ role: 'system', content: toText(m['content']) }];
      case 'user':
        return [{ role: 'user', content: toUserContent(m['content'], at, policy) }];
      case 'assistant':
        return [toAssistant(m)];
      case 'tool':
        return [{ role: 'tool', tool_call_id: m['tool_call_id'], content: toText(m['content']) }];
      default:
        refuseUnlessDropped(policy, `${at}.role`, `Cohere has no '${String(m['role'])}' messages`);
        return [];
    }
  });
}

function toAssistant(m: Record<string, unknown>): Record<string, unknown> {
  const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'].filter(isRecord) : [];
  const text = plainText(m['content']);
  if (calls.length === 0) return { role: 'assistant', content: text };
  const out: Record<string, unknown> = {
    role: 'assistant',
    tool_calls: calls.map((call) => {
      const fn = isRecord(call['function']) ? call['function'] : {};
      return { id: call['id'], type: 'function', function: { name: fn['name'], arguments: fn['arguments'] } };
    }),
  };
  if (text !== '') out['tool_plan'] = text;
  return out;
}

/** Text content as Cohere takes it: a string, or text parts. */
function toText(content: unknown): unknown {
  if (!Array.isArray(content)) return content ?? '';
  return content
    .filter((p) => isRecord(p) && p['type'] === 'text')
    .map((p) => ({ type: 'text', text: (p as Record<string, unknown>)['text'] }));
}

function plainText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .filter((p) => p['type'] === 'text')
    .map((p) => String(p['text']))
    .join('');
}

function toUserContent(content: unknown, at: string, policy: ParamPolicy): unknown {
  if (!Array.isArray(content)) return content;
  const parts: Record<string, unknown>[] = [];
  content.filter(isRecord).forEach((part, j) => {
    if (part['type'] === 'text') parts.push({ type: 'text', text: part['text'] });
    else if (part['type'] === 'image_url' && isRecord(part['image_url'])) {
      const { url, detail } = part['image_url'];
      parts.push({ type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } });
    } else {
      refuseUnlessDropped(
        policy,
        `${at}.content[${j}]`,
        `Cohere takes only text and image parts, not ${String(part['type'])}`,
      );
    }
  });
  if (parts.length === 0)
    throw new GatewayError('invalid_request', `${at} has no content Cohere can read.`, {
      param: `${at}.content`,
    });
  return parts;
}
