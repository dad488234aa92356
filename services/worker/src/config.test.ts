import { describe, expect, it } from 'vitest';
import { parseWorkerProviders } from './config.js';

describe('parseWorkerProviders', () => {
  it('reads repeated --provider flags and comma lists', () => {
    expect(parseWorkerProviders(['--provider', 'openai', '--provider=groq,together'], {})).toEqual([
      'openai',
      'groq',
      'together',
    ]);
  });

  it('falls back to WORKER_PROVIDERS, then to every provider', () => {
    expect(parseWorkerProviders([], { WORKER_PROVIDERS: 'openai, groq' })).toEqual(['openai', 'groq']);
    expect(parseWorkerProviders(['--provider', 'demo'], { WORKER_PROVIDERS: 'openai' })).toEqual(['demo']);
    expect(parseWorkerProviders([], { WORKER_PROVIDERS: '' })).toBeUndefined();
  });

  it('rejects a flag without a value and unknown arguments', () => {
    expect(() => parseWorkerProviders(['--provider'], {})).toThrow('--provider needs a provider id.');
    expect(() => parseWorkerProviders(['--provder', 'x'], {})).toThrow(/Unknown argument --provder/);
  });
});
