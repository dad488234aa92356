import { describe, expect, it } from 'vitest';
import { toOpenAIUsage } from './usage.js';

describe('toOpenAIUsage', () => {
  it('reads counts Gemini left out (zero in its JSON) as zero, and no metadata as no usage', () => {
    expect(toOpenAIUsage({ candidatesTokenCount: 3 })).toMatchObject({
      prompt_tokens: 0,
      completion_tokens: 3,
      total_tokens: 3,
    });
    expect(toOpenAIUsage(undefined)).toBeUndefined();
  });

  it('bills tool-use prompt tokens as input and thoughts as output, keeping Gemini’s total', () => {
    expect(
      toOpenAIUsage({
        promptTokenCount: 10,
        toolUsePromptTokenCount: 5,
        candidatesTokenCount: 2,
        thoughtsTokenCount: 8,
        totalTokenCount: 25,
      }),
    ).toEqual({
      prompt_tokens: 15,
      completion_tokens: 10,
      total_tokens: 25,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 8 },
    });
  });
});
