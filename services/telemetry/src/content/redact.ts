/**
 * Built in, always applied when content is recorded: OpenAI-style secret keys (`sk-…`, Anthropic's
 * `sk-ant-…` and Switchyard's own keys too), bearer tokens, AWS access key ids. E-mail addresses are
 * not built in: add a pattern to `telemetry.request_log.redact` if they must not be kept.
 */
export const BUILT_IN_PATTERNS: readonly string[] = [
  String.raw`\bsk-[A-Za-z0-9_-]{16,}`,
  String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}`,
  String.raw`\bAKIA[0-9A-Z]{16}\b`,
];

export const REDACTED = '[REDACTED]';

/** Replaces every match of the built-in and the configured patterns (regular expressions) with `[REDACTED]`. */
export function createRedactor(configured: readonly string[]): (text: string) => string {
  const patterns = [...BUILT_IN_PATTERNS, ...configured].map((source) => new RegExp(source, 'g'));
  return (text) => patterns.reduce((t, p) => t.replace(p, REDACTED), text);
}
