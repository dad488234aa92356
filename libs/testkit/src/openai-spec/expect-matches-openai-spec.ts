import { expect } from 'vitest';
import { loadOpenAISpec } from './load-openai-spec.js';

const warned = new Set<string>();

/**
 * Asserts that `value` validates against `#/components/schemas/<schemaName>` of OpenAI's published
 * spec. When the spec is absent only this check is skipped, with a warning (once per reason) that
 * says how to provide it; a test that must not run without the spec uses `loadOpenAISpec()`.
 */
export function expectMatchesOpenAISpec(schemaName: string, value: unknown): void {
  const spec = loadOpenAISpec();
  if ('missing' in spec) {
    if (!warned.has(spec.missing)) {
      warned.add(spec.missing);
      process.emitWarning(`OpenAI spec check skipped: ${spec.missing}`);
    }
    return;
  }
  expect(spec.validate(schemaName, value), `OpenAI spec: ${schemaName}`).toEqual([]);
}
