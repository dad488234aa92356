import { isRecord } from '../is-record.js';

/**
 * Gemini's thinking models sign their function calls (`thoughtSignature`) and refuse a later turn
 * whose calls come back unsigned. OpenAI's tool call has no such field, so the signature rides in
 * `extra_content.google.thought_signature`, where Google's own OpenAI-compatible endpoint puts it:
 * a caller that sends the assistant message back unchanged returns it without knowing.
 */
export const withThoughtSignature = <T extends object>(
  toolCall: T,
  signature: string | undefined,
): T | (T & { extra_content: { google: { thought_signature: string } } }) =>
  signature === undefined
    ? toolCall
    : { ...toolCall, extra_content: { google: { thought_signature: signature } } };

/** The signature of a tool call the caller sent back, if it carries one. */
export function readThoughtSignature(toolCall: Record<string, unknown>): string | undefined {
  const extra = toolCall['extra_content'];
  const google = isRecord(extra) ? extra['google'] : undefined;
  const signature = isRecord(google) ? google['thought_signature'] : undefined;
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}
