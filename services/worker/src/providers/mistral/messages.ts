import { createHash } from 'node:crypto';
import { isRecord } from '../is-record.js';
import { refuseUnlessDropped, type ParamPolicy } from '../unsupported-params.js';

/**
 * OpenAI messages as Mistral takes them. Mistral refuses any field it does not know (422
 * `extra_forbidden`), so each message is rebuilt from the fields Mistral has: OpenAI's `name`,
 * `refusal`, `audio` and other output fields are left out, developer becomes system, and parts
 * Mistral cannot read are refused naming them (or dropped with `drop_params`).
 */
export function toMistralMessages(messages: unknown, policy: ParamPolicy): Record<string, unknown>[] {
  if (!Array.isArray(messages)) return [];
  const toolNames = new Map<string, string>();
  return messages
    .filter(isRecord)
    .map((m, i) => {
      const at = `messages[${i}]`;
      switch (m['role']) {
        case 'system':
        case 'developer':
          return { role: 'system', content: m['content'] };
        case 'user':
          return { role: 'user', content: toContent(m['content'], at, policy) };
        case 'assistant': {
          const out: Record<string, unknown> = { role: 'assistant', content: textOnly(m['content']) };
          const calls = Array.isArray(m['tool_calls']) ? m['tool_calls'].filter(isRecord) : [];
          if (calls.length > 0) {
            out['tool_calls'] = calls.map((call) => {
              const fn = isRecord(call['function']) ? call['function'] : {};
              toolNames.set(String(call['id']), String(fn['name']));
              return {
                id: toMistralToolCallId(String(call['id'])),
                type: 'function',
                function: { name: fn['name'], arguments: fn['arguments'] },
              };
            });
          }
          if (m['prefix'] === true) out['prefix'] = true;
          return out;
        }
        case 'tool': {
          const id = String(m['tool_call_id']);
          const out: Record<string, unknown> = {
            role: 'tool',
            content: m['content'],
            tool_call_id: toMistralToolCallId(id),
          };
          const name = toolNames.get(id);
          if (name !== undefined) out['name'] = name;
          return out;
        }
        default: // the legacy `function` role has no Mistral equivalent
          refuseUnlessDropped(policy, `${at}.role`, `Mistral has no '${String(m['role'])}' messages`);
          return undefined;
      }
    })
    .filter((m): m is Record<string, unknown> => m !== undefined);
}

const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;

/**
 * Mistral takes only tool-call ids of 9 letters and digits; it makes them so itself, but a
 * conversation begun elsewhere (OpenAI's `call_…`) carries others. Each is replaced by a stable
 * hash, the same in the call and in its result, so the pair still matches.
 */
export function toMistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  return createHash('sha256')
    .update(id)
    .digest('base64')
    .replace(/[^a-zA-Z0-9]/g, '')
    .slice(0, 9);
}

/** An assistant's content: text, or text parts (a refusal part is not Mistral's). */
function textOnly(content: unknown): unknown {
  if (!Array.isArray(content)) return content ?? null;
  return content
    .filter((p) => isRecord(p) && p['type'] === 'text')
    .map((p) => ({ type: 'text', text: (p as Record<string, unknown>)['text'] }));
}

/** A user's content: text, images (URL or data URL) and audio as Mistral's chunks. */
function toContent(content: unknown, at: string, policy: ParamPolicy): unknown {
  if (!Array.isArray(content)) return content;
  const chunks: Record<string, unknown>[] = [];
  content.filter(isRecord).forEach((part, j) => {
    if (part['type'] === 'text') chunks.push({ type: 'text', text: part['text'] });
    else if (part['type'] === 'image_url' && isRecord(part['image_url'])) {
      const { url, detail } = part['image_url'];
      chunks.push({ type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } });
    } else if (part['type'] === 'input_audio' && isRecord(part['input_audio'])) {
      chunks.push({ type: 'input_audio', input_audio: part['input_audio']['data'] });
    } else {
      refuseUnlessDropped(policy, `${at}.content[${j}]`, `Mistral takes no '${String(part['type'])}' parts`);
    }
  });
  return chunks;
}
