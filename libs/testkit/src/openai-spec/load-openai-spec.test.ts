import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadOpenAISpec } from './load-openai-spec.js';
import { rewriteNullable } from './openapi-nullable.js';

describe('loadOpenAISpec', () => {
  afterEach(() => vi.unstubAllEnvs());

  const spec = (): Exclude<ReturnType<typeof loadOpenAISpec>, { missing: string }> => {
    const loaded = loadOpenAISpec();
    if ('missing' in loaded) throw new Error(loaded.missing);
    return loaded;
  };

  const chunk = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content: 'hi' }, logprobs: null, finish_reason: null }],
    usage: null,
  };

  it('finds the spec beside the repo and accepts a valid chunk, nullable fields included', () => {
    expect(spec().validate('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
  });

  it('rejects a broken chunk with readable messages', () => {
    const broken = { ...chunk, created: 'yesterday', choices: [{ delta: { content: 3 } }] };
    const errors = spec().validate('CreateChatCompletionStreamResponse', broken);
    expect(errors.some((e) => e.startsWith('/created must be integer'))).toBe(true);
    expect(errors.some((e) => e.includes("must have required property 'index'"))).toBe(true);
  });

  it('caches the parsed document', () => {
    expect(loadOpenAISpec()).toBe(loadOpenAISpec());
  });

  it('throws on an unknown schema name rather than passing everything', () => {
    expect(() => spec().validate('NoSuchSchema', {})).toThrow(/NoSuchSchema/);
  });

  it('reports a missing spec with the reason', () => {
    vi.stubEnv('OPENAI_SPEC_PATH', '/nonexistent/openai-openapi.yaml');
    expect(loadOpenAISpec()).toEqual({
      missing: expect.stringContaining('/nonexistent/openai-openapi.yaml'),
    });
  });
});

describe('rewriteNullable', () => {
  it('turns nullable schemas into anyOf with null, keeping enums strict', () => {
    expect(rewriteNullable({ properties: { a: { type: 'string', enum: ['x'], nullable: true } } })).toEqual({
      properties: { a: { anyOf: [{ type: 'string', enum: ['x'] }, { type: 'null' }] } },
    });
    expect(rewriteNullable({ $ref: '#/x', nullable: false })).toEqual({ $ref: '#/x' });
  });
});
