import { isRecord } from '../is-record.js';

/** Long prompts are cut to this many characters in the echo, so answers stay short. */
export const MAX_ECHO_CHARS = 200;

/** The text of a message `content`: a string, or the text parts of a content-part array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string' ? part['text'] : '',
    )
    .filter(Boolean)
    .join(' ');
}

export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last: unknown = messages.findLast((m: unknown) => isRecord(m) && m['role'] === 'user');
  return isRecord(last) ? contentText(last['content']).trim() : '';
}

/** What the demo provider says: deterministic, so a first-time user (and a test) can predict it. */
export function demoAnswer(messages: unknown): string {
  const said = lastUserText(messages);
  if (said === '') return "Hello from Switchyard's demo provider. You said nothing.";
  const echo = said.length > MAX_ECHO_CHARS ? `${said.slice(0, MAX_ECHO_CHARS).trimEnd()}…` : said;
  return `Hello from Switchyard's demo provider. You said: ${echo}`;
}

/** Words stand in for tokens: stable across runs and easy to check by eye. */
export const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export function promptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return messages.reduce<number>(
    (n, m: unknown) => n + (isRecord(m) ? countTokens(contentText(m['content'])) : 0),
    0,
  );
}

/** Stream deltas the way tokens fall: each word with its leading space; they join back to the text. */
export const splitIntoDeltas = (text: string): string[] => text.match(/\s*\S+/g) ?? [];
