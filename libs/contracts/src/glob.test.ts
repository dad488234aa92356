import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobs } from './glob.js';

describe('compileGlob', () => {
  it.each([
    ['*', 'anything/at-all', true],
    ['gpt-4o', 'gpt-4o', true],
    ['gpt-4o', 'gpt-4o-mini', false],
    ['gpt-4o*', 'gpt-4o', true],
    ['gpt-4o*', 'gpt-4o-mini', true],
    ['gpt-4o*', 'gpt-4', false],
    ['openai/*', 'openai/gpt-4o', true],
    ['openai/*', 'openai/o1/preview', true],
    ['openai/*', 'groq/llama', false],
    ['*-mini', 'gpt-4o-mini', true],
    ['*-mini', 'gpt-4o', false],
    ['*llama*', 'groq/llama-3.1-8b', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    // The middle piece may not overlap the suffix it is also checked against.
    ['ab*b', 'ab', false],
    ['a*bc*bc', 'abcbc', true],
    ['a*bc*bc', 'abc', false],
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(compileGlob(pattern)(name)).toBe(expected);
  });
});

describe('compileGlobs', () => {
  it('matches when any pattern does', () => {
    const allows = compileGlobs(['gpt-4o*', 'anthropic/*']);
    expect(allows('gpt-4o-mini')).toBe(true);
    expect(allows('anthropic/claude-sonnet-4')).toBe(true);
    expect(allows('groq/llama')).toBe(false);
  });

  it('matches nothing when there are no patterns', () => {
    expect(compileGlobs([])('gpt-4o')).toBe(false);
  });
});
