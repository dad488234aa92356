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
