import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { chooseModel, type ModelChoiceInput } from './choose-model.js';
import { createRouteTable } from './resolve-route.js';
import { compileRules } from './route-rules.js';

const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const one = (model: string) => ({ deployments: [{ provider: 'openai', model }] });
const config = parseConfig({
  providers: { openai: upstream },
  models: {
    chat: one('gpt-4o'),
    cheap: one('gpt-4o-mini'),
    long: one('gpt-4.1'),
    'openai/*': { deployments: [{ provider: 'openai' }] },
  },
  router: {
    rules: [
      { when: { model: 'chat', tags_any: ['batch', 'bulk'] }, route_to: 'cheap' },
      { when: { team: ['research'], max_prompt_tokens: 100 }, route_to: 'cheap' },
      { when: { min_prompt_tokens: 30_000 }, route_to: 'long' },
    ],
  },
});
const routes = { table: createRouteTable(config.models), matchRule: compileRules(config.router.rules) };
const input = (extra: Partial<ModelChoiceInput> = {}): ModelChoiceInput => ({
  model: 'chat',
  tags: new Set(),
  team: undefined,
  promptTokens: 10,
  route: undefined,
  fallbacks: undefined,
  allowedModels: '*',
  ...extra,
});
const modelFor = (extra: Partial<ModelChoiceInput>) => chooseModel(input(extra), routes).model;

describe('chooseModel', () => {
  it('routes by the first rule that matches: tags, team, prompt size', () => {
    expect(modelFor({})).toBe('chat');
    expect(modelFor({ tags: new Set(['bulk']) })).toBe('cheap');
    expect(modelFor({ tags: new Set(['bulk']), model: 'long' })).toBe('long');
    expect(modelFor({ team: 'research' })).toBe('cheap');
    expect(modelFor({ team: 'research', promptTokens: 101 })).toBe('chat');
    expect(modelFor({ team: 'sales' })).toBe('chat');
    expect(modelFor({ promptTokens: 30_000 })).toBe('long');
  });

  it("takes the caller's route and fallbacks over the rules, when the key allows them", () => {
    const choice = chooseModel(
      input({
        tags: new Set(['batch']),
        route: 'long',
        fallbacks: 'cheap, openai/gpt-4.1',
        allowedModels: 'long,cheap,openai/*',
      }),
      routes,
    );
    expect(choice).toEqual({ model: 'long', fallbacks: ['cheap', 'openai/gpt-4.1'] });
  });

  it('refuses a route the key may not use (403) or no alias serves (400), naming the header', () => {
    expect(() => chooseModel(input({ route: 'long', allowedModels: 'chat' }), routes)).toThrow(
      expect.objectContaining({ status: 403, param: 'x-switchyard-route' }),
    );
    expect(() => chooseModel(input({ route: 'long', allowedModels: undefined }), routes)).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => chooseModel(input({ fallbacks: 'cheap,nope' }), routes)).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'x-switchyard-fallbacks',
        message: expect.stringContaining("'nope'"),
      }),
    );
  });
});
