import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';

describe('createRedactor', () => {
  const redact = createRedactor([String.raw`\b\d{4}-\d{4}-\d{4}-\d{4}\b`]);

  it('removes API keys, bearer tokens and AWS key ids wherever they are in the text', () => {
    const text =
      'my key is sk-proj-AbCdEf0123456789xyz, call with Authorization: Bearer eyJhbGciOi.J9.abc and AKIAIOSFODNN7EXAMPLE';
    const out = redact(text);
    expect(out).not.toContain('sk-proj-AbCdEf0123456789xyz');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(out).toBe('my key is [REDACTED], call with Authorization: [REDACTED] and [REDACTED]');
  });

  it('applies the configured patterns too, and leaves ordinary text alone', () => {
    expect(redact('card 4111-1111-1111-1111 please')).toBe('card [REDACTED] please');
    expect(redact('a task-list of sk- things')).toBe('a task-list of sk- things');
  });
});
