import { ModelList } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createModelCatalog } from './model-catalog.js';

const listModels = createModelCatalog(
  {
    'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
    'gpt-4o-mini': { deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
    claude: { deployments: [{ provider: 'anthropic', model: 'claude-sonnet-4' }] },
    'openai/*': { deployments: [{ provider: 'openai' }] },
    'groq/*': { deployments: [{ provider: 'groq' }] },
  },
  1_700_000_000,
);

const ids = (globs: string[]) => listModels(globs).data.map((m) => m.id);

describe('modelCatalog', () => {
  it('lists every alias, wildcards as is, for a key allowed everything', () => {
    const list = listModels(['*']);
    expect(ModelList.parse(list)).toEqual(list);
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'claude', 'openai/*', 'groq/*']);
    expect(list.data[2]).toEqual({
      id: 'claude',
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'anthropic',
    });
  });

  it("lists only the aliases the key's globs allow", () => {
    expect(ids(['gpt-4o-mini', 'claude'])).toEqual(['gpt-4o-mini', 'claude']);
    expect(ids(['gpt-4o*'])).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('lists a wildcard alias when the key may use some model under it', () => {
    expect(ids(['openai/*'])).toEqual(['openai/*']);
    expect(ids(['groq/llama-3*'])).toEqual(['groq/*']);
  });

  it('lists nothing for a key with no globs', () => {
    expect(ids([])).toEqual([]);
  });
});
