import { describe, expect, it } from 'vitest';
import { computeCost } from './compute-cost.js';
import { createPriceBook } from './price-book.js';
import { PRICE_TABLE } from './prices.js';

const book = createPriceBook();

describe('createPriceBook with the built-in table', () => {
  it('prices an OpenAI-compatible provider by its id', () => {
    expect(book.priceFor('openai-compatible', 'openai', 'gpt-4o-mini')).toEqual({
      input: 0.15,
      cached_read: 0.075,
      output: 0.6,
    });
    expect(book.priceFor('openai-compatible', 'groq', 'llama-3.1-8b-instant')).toMatchObject({ input: 0.05 });
    expect(book.priceFor('openai-compatible', 'deepseek', 'deepseek-chat')).toMatchObject({ input: 0.28 });
  });

  it('prices a native provider by the vendor its type implies, whatever its id', () => {
    expect(book.priceFor('anthropic', 'claude-prod', 'claude-sonnet-4-5-20250929')).toMatchObject({
      input: 3,
      cache_write: 3.75,
    });
    expect(book.priceFor('gemini', 'google', 'gemini-2.5-flash')).toMatchObject({ input: 0.3 });
    expect(book.priceFor('azure-openai', 'azure', 'gpt-4o')).toMatchObject({ input: 2.5 });
  });

  it('prefers an exact model over a glob, and the most specific glob over a broader one', () => {
    expect(book.priceFor('openai-compatible', 'openai', 'gpt-4o-2024-05-13')).toEqual({
      input: 5,
      output: 15,
    });
    expect(book.priceFor('openai-compatible', 'openai', 'gpt-4o-2024-08-06')).toMatchObject({ input: 2.5 });
    expect(book.priceFor('anthropic', 'anthropic', 'claude-opus-4-1-20250805')).toMatchObject({ input: 15 });
    expect(book.priceFor('anthropic', 'anthropic', 'claude-opus-4-5-20251101')).toMatchObject({ input: 5 });
    expect(book.priceFor('gemini', 'gemini', 'gemini-2.5-flash-lite')).toMatchObject({ input: 0.1 });
  });

  it('has no price for an unknown model, or a known name on a provider the table does not cover', () => {
    expect(book.priceFor('openai-compatible', 'openai', 'my-fine-tune')).toBeUndefined();
    // A self-hosted server may call its model anything: a bare name is not an OpenAI price.
    expect(book.priceFor('openai-compatible', 'vllm', 'gpt-4o-mini')).toBeUndefined();
    expect(book.priceFor('ollama', 'ollama', 'llama3.1:8b')).toBeUndefined();
    expect(book.priceFor('demo', 'demo', 'demo-1')).toBeUndefined();
  });

  it('says which table it uses', () => {
    expect(book.version).toBe(PRICE_TABLE.version);
  });
});

describe('createPriceBook with overrides', () => {
  it('lets an override win over the table', () => {
    const negotiated = createPriceBook({ 'openai/gpt-4o-mini': { input: 0.1, output: 0.4 } });
    expect(negotiated.priceFor('openai-compatible', 'openai', 'gpt-4o-mini')).toEqual({
      input: 0.1,
      output: 0.4,
    });
    // The rest of the table still applies.
    expect(negotiated.priceFor('openai-compatible', 'openai', 'gpt-4o')).toMatchObject({ input: 2.5 });
  });

  it('prices models the table does not know: bare names, globs and provider-scoped keys', () => {
    const local = createPriceBook({
      'vllm/*': { input: 0, output: 0 },
      'llama-3*': { input: 0.2, output: 0.2 },
      'my-fine-tune': { input: 3, output: 12, cached_read: 1.5 },
    });
    expect(local.priceFor('openai-compatible', 'vllm', 'meta-llama/Llama-3-8B')).toEqual({
      input: 0,
      output: 0,
    });
    expect(local.priceFor('openai-compatible', 'together', 'llama-3-70b')).toMatchObject({ input: 0.2 });
    expect(local.priceFor('openai-compatible', 'openai', 'my-fine-tune')).toMatchObject({ input: 3 });
  });

  it('takes an exact override before a glob, and a provider-scoped glob before a bare one', () => {
    const overrides = createPriceBook({
      'gpt-4o*': { input: 1, output: 1 },
      'openai/gpt-4o*': { input: 2, output: 2 },
      'gpt-4o-mini': { input: 3, output: 3 },
    });
    expect(overrides.priceFor('openai-compatible', 'openai', 'gpt-4o-mini')).toMatchObject({ input: 3 });
    expect(overrides.priceFor('openai-compatible', 'openai', 'gpt-4o')).toMatchObject({ input: 2 });
    expect(overrides.priceFor('openai-compatible', 'azure-east', 'gpt-4o')).toMatchObject({ input: 1 });
  });

  it('prices the same usage by the override in computeCost', () => {
    const priced = createPriceBook({ 'demo/*': { input: 1, output: 2 } }).priceFor('demo', 'demo', 'demo-1');
    expect(computeCost({ prompt_tokens: 500_000, completion_tokens: 250_000 }, priced!)).toBe(1);
  });
});

describe('PRICE_TABLE', () => {
  it('holds only finite, non-negative prices under vendors it names a source for', () => {
    expect(PRICE_TABLE.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [key, price] of Object.entries(PRICE_TABLE.prices)) {
      const vendor = key.split('/', 1)[0]!;
      expect(PRICE_TABLE.sources, key).toHaveProperty(vendor);
      for (const value of Object.values(price)) {
        expect(Number.isFinite(value) && value >= 0, `${key}: ${value}`).toBe(true);
      }
    }
  });
});
