import { describe, expect, it } from 'vitest';
import { ModelConfig } from './schema.js';
import {
  aliasOfStoredModelKey,
  parseStoredModel,
  parseStoredRules,
  storedModelKey,
  storedModelValue,
  storedRulesValue,
} from './stored-routes.js';

const model = ModelConfig.parse({ deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] });

describe('stored routes', () => {
  it('keys an alias a KV key can hold, and reads the alias back', () => {
    const key = storedModelKey('openai/*');
    expect(key).toMatch(/^model\.[A-Za-z0-9_-]+$/);
    expect(aliasOfStoredModelKey(key)).toBe('openai/*');
    expect(aliasOfStoredModelKey('rules')).toBeUndefined();
  });

  it('reads back what it stores', () => {
    expect(parseStoredModel('fast', storedModelValue('fast', model))).toEqual(model);
    const rules = [{ when: { model: 'fast' }, route_to: 'slow' }];
    expect(parseStoredRules(storedRulesValue(rules))).toEqual(rules);
  });

  it('refuses a value that is not JSON, not a model, or names another alias than its key', () => {
    expect(parseStoredModel('fast', 'not json')).toBeUndefined();
    expect(
      parseStoredModel('fast', JSON.stringify({ alias: 'fast', model: { deployments: 'all' } })),
    ).toBeUndefined();
    expect(parseStoredModel('fast', storedModelValue('other', model))).toBeUndefined();
    expect(parseStoredRules(JSON.stringify({ rules: [{ route_to: 1 }] }))).toBeUndefined();
  });
});
