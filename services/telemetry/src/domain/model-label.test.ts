import { describe, expect, it } from 'vitest';
import { createModelLabel } from './model-label.js';

const label = createModelLabel({
  'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
  'openai/*': { deployments: [{ provider: 'openai' }] },
  'openai/ft/*': { deployments: [{ provider: 'finetunes' }] },
});

describe('modelLabel', () => {
  it('labels a configured alias by its name, whatever the outcome', () => {
    expect(label('gpt-4o', 200)).toBe('gpt-4o');
    expect(label('gpt-4o', 429)).toBe('gpt-4o');
  });

  it('labels a model served under a wildcard alias by its own name', () => {
    expect(label('openai/gpt-4.1-mini', 200)).toBe('openai/gpt-4.1-mini');
  });

  it('labels a failed request under a wildcard by the alias, so made-up names add no series', () => {
    expect(label('openai/no-such-model-8231', 404)).toBe('openai/*');
    expect(label('openai/ft/typo', 502)).toBe('openai/ft/*');
  });

  it('labels names no alias covers as other, and a missing name as unknown', () => {
    expect(label('gpt-5-ultra', 404)).toBe('other');
    expect(label(undefined, 401)).toBe('unknown');
  });
});

describe('modelLabel with aliases added at run time', () => {
  const withAdded = () =>
    createModelLabel({ 'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] } });

  it('labels an added alias by its name from the moment it is added', () => {
    const added = withAdded();
    expect(added('fast', 200)).toBe('other');
    added.addAlias('fast');
    expect(added('fast', 200)).toBe('fast');
    expect(added('fast', 503)).toBe('fast');
    expect(added('fast-typo', 404)).toBe('other');
  });

  it('treats an added prefix/* alias like a configured wildcard', () => {
    const added = withAdded();
    added.addAlias('groq/*');
    expect(added('groq/llama-3.3-70b', 200)).toBe('groq/llama-3.3-70b');
    expect(added('groq/made-up', 404)).toBe('groq/*');
    expect(added('groq/', 200)).toBe('other');
  });

  it('prefers the longest wildcard, whichever came first', () => {
    const added = createModelLabel({ 'openai/*': { deployments: [{ provider: 'openai' }] } });
    added.addAlias('openai/ft/*');
    expect(added('openai/ft/typo', 502)).toBe('openai/ft/*');
    expect(added('openai/typo', 502)).toBe('openai/*');
  });

  it('takes the same alias twice without change (the routes bucket is replayed on start)', () => {
    const added = withAdded();
    added.addAlias('mistral/*');
    added.addAlias('mistral/*');
    added.addAlias('gpt-4o');
    expect(added('mistral/typo', 404)).toBe('mistral/*');
    expect(added('gpt-4o', 200)).toBe('gpt-4o');
  });

  it('keeps each label function to its own aliases', () => {
    const one = withAdded();
    const two = withAdded();
    one.addAlias('fast');
    expect(two('fast', 200)).toBe('other');
  });
});
