import { describe, expect, it } from 'vitest';
import { selectProviders } from './select-providers.js';

describe('selectProviders', () => {
  it('serves every configured provider by default', () => {
    expect(selectProviders(['demo', 'openai'], undefined)).toEqual(['demo', 'openai']);
    expect(selectProviders(['demo'], [])).toEqual(['demo']);
  });

  it('serves only those asked for, once each', () => {
    expect(selectProviders(['demo', 'openai', 'groq'], ['groq', 'openai', 'groq'])).toEqual([
      'groq',
      'openai',
    ]);
  });

  it('fails clearly on an unknown provider or an empty config', () => {
    expect(() => selectProviders(['demo'], ['opneai'])).toThrow(
      'Unknown provider "opneai": the config defines demo.',
    );
    expect(() => selectProviders([], undefined)).toThrow(/no providers/);
  });
});
