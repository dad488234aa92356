import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { createRouteSet } from './route-set.js';

const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const one = (provider: string, model: string, more: Record<string, unknown> = {}) => ({
  deployments: [{ provider, model }],
  ...more,
});
const config = parseConfig({
  providers: { a: upstream, b: upstream },
  models: { chat: one('a', 'gpt-4o'), spare: one('a', 'gpt-4o-mini') },
});
const routeSet = () =>
  createRouteSet({ providers: config.providers, models: config.models, rules: [], createdSec: 1 });
const deploymentOf = (set: ReturnType<typeof routeSet>, model: string) =>
  set.current().table.resolve(model).candidates[0]?.deployment;

describe('route set', () => {
  it('lays a change over the YAML, and reverting shows the YAML again', () => {
    const set = routeSet();
    expect(set.apply({ kind: 'model', alias: 'chat', model: one('b', 'gpt-4o') })).toEqual([]);
    expect(deploymentOf(set, 'chat')).toBe('b/gpt-4o');
    expect(
      set
        .current()
        .catalog(['*'])
        .data.map((m) => m.id),
    ).toEqual(['chat', 'spare']);
    set.apply({ kind: 'model', alias: 'chat', model: undefined });
    expect(deploymentOf(set, 'chat')).toBe('a/gpt-4o');
  });

  it('checks a change as the YAML is checked, and keeps the routes in effect when it fails', () => {
    const set = routeSet();
    expect(set.check({ kind: 'model', alias: 'chat', model: one('nope', 'x') })).toEqual([
      { path: ['models', 'chat', 'deployments', 0, 'provider'], message: 'unknown provider "nope"' },
    ]);
    expect(
      set.check({ kind: 'model', alias: 'spare', model: one('a', 'x', { fallbacks: ['chat'] }) }),
    ).toEqual([]);
    set.apply({ kind: 'model', alias: 'spare', model: one('a', 'x', { fallbacks: ['chat'] }) });
    expect(
      set.apply({ kind: 'model', alias: 'chat', model: one('a', 'y', { fallbacks: ['spare'] }) }),
    ).toEqual([expect.objectContaining({ message: expect.stringMatching(/cycle/) })]);
    expect(deploymentOf(set, 'chat')).toBe('a/gpt-4o');
    expect(routeSet().check({ kind: 'rules', rules: [{ when: {}, route_to: 'gone' }] })).toEqual([
      { path: ['router', 'rules', 0, 'route_to'], message: 'unknown model "gone"' },
    ]);
  });
});
