import { isRecord } from '../fake-openai/message-text.js';
import type { ValidationIssue } from './mistral-errors.js';

/** The fields Mistral's chat completions accept: anything else is `extra_forbidden`, as there. */
const REQUEST_FIELDS = new Set([
  'model',
  'temperature',
  'top_p',
  'max_tokens',
  'stream',
  'stop',
  'random_seed',
  'metadata',
  'messages',
  'response_format',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'prediction',
  'parallel_tool_calls',
  'reasoning_effort',
  'prompt_mode',
  'guardrails',
  'prompt_cache_key',
  'service_tier',
  'safe_prompt',
]);

const MESSAGE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

const TOOL_CHOICES = new Set(['auto', 'none', 'any', 'required']);

/** Pydantic's complaints about a request, as Mistral's 422 lists them; empty when it is valid. */
export function validateMistralRequest(body: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const extra = (loc: (string | number)[], input: unknown): void => {
    issues.push({
      type: 'extra_forbidden',
      loc: ['body', ...loc],
      msg: 'Extra inputs are not permitted',
      input,
    });
  };
  for (const [key, value] of Object.entries(body)) if (!REQUEST_FIELDS.has(key)) extra([key], value);
  if (typeof body.model !== 'string') {
    issues.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body });
  }
  if (!Array.isArray(body.messages)) {
    issues.push({ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: body });
  } else {
    body.messages.forEach((m: unknown, i) => {
      const role = isRecord(m) ? String(m.role) : '';
      const allowed = MESSAGE_FIELDS[role];
      if (!isRecord(m) || !allowed) {
        issues.push({
          type: 'union_tag_invalid',
          loc: ['body', 'messages', i],
          msg: `Input tag '${role}' found using 'role' does not match any of the expected tags`,
          input: m,
        });
        return;
      }
      for (const [key, value] of Object.entries(m))
        if (!allowed.has(key)) extra(['messages', i, role, key], value);
    });
  }
  const choice = body.tool_choice;
  if (typeof choice === 'string' && !TOOL_CHOICES.has(choice)) {
    issues.push({
      type: 'enum',
      loc: ['body', 'tool_choice'],
      msg: "Input should be 'auto', 'none', 'any' or 'required'",
      input: choice,
    });
  }
  return issues;
}

const TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

/** Mistral's check on tool-call ids in the conversation: 9 letters and digits. */
export function badToolCallId(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages.filter(isRecord)) {
    const ids = [
      ...(Array.isArray(m.tool_calls) ? m.tool_calls.filter(isRecord).map((c) => c.id) : []),
      ...(m.role === 'tool' ? [m.tool_call_id] : []),
    ];
    const bad = ids.find((id) => typeof id === 'string' && !TOOL_CALL_ID.test(id));
    if (typeof bad === 'string') return bad;
  }
  return undefined;
}
