import { describe, expect, it } from 'vitest';
import { computeCost, type ModelPrice } from './compute-cost.js';

const gpt4o: ModelPrice = { input: 2.5, cached_read: 1.25, output: 10 };
const sonnet: ModelPrice = { input: 3, cache_write: 3.75, cached_read: 0.3, output: 15 };

describe('computeCost', () => {
  it('prices input and output tokens per million', () => {
    // 1000 × 2.5 / 1M + 500 × 10 / 1M
    expect(computeCost({ prompt_tokens: 1000, completion_tokens: 500 }, gpt4o)).toBe(0.0075);
    expect(computeCost({ prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }, gpt4o)).toBe(12.5);
  });

  it('prices cached tokens at cached_read and takes them out of the input price', () => {
    // 600 uncached × 2.5 + 400 cached × 1.25 + 100 × 10, per million
    const cost = computeCost({ prompt_tokens: 1000, completion_tokens: 100, cached_tokens: 400 }, gpt4o);
    expect(cost).toBe(0.003);
  });

  it('prices cache-creation tokens at cache_write, apart from reads and fresh input', () => {
    const usage = {
      prompt_tokens: 10_000,
      completion_tokens: 1_000,
      cached_tokens: 6_000,
      cache_creation_tokens: 3_000,
    };
    // 1000 × 3 + 6000 × 0.3 + 3000 × 3.75 + 1000 × 15 = 31 050 per million
    expect(computeCost(usage, sonnet)).toBe(0.03105);
  });

  it('prices cache tokens at the input price when the model has no cache prices', () => {
    const plain: ModelPrice = { input: 1, output: 2 };
    const usage = { prompt_tokens: 100, completion_tokens: 0, cached_tokens: 50, cache_creation_tokens: 25 };
    expect(computeCost(usage, plain)).toBe(computeCost({ prompt_tokens: 100, completion_tokens: 0 }, plain));
  });

  it('never prices fresh input below zero when cache counts exceed prompt_tokens', () => {
    const cost = computeCost({ prompt_tokens: 10, completion_tokens: 0, cached_tokens: 50 }, gpt4o);
    expect(cost).toBe(50 * 1.25 * 1e-6);
  });

  it('keeps tiny costs and drops float noise', () => {
    expect(computeCost({ prompt_tokens: 1, completion_tokens: 0 }, { input: 0.005, output: 0 })).toBe(5e-9);
    expect(computeCost({ prompt_tokens: 3, completion_tokens: 0 }, { input: 0.1, output: 0 })).toBe(3e-7);
    expect(computeCost({ prompt_tokens: 0, completion_tokens: 0 }, gpt4o)).toBe(0);
  });
});
