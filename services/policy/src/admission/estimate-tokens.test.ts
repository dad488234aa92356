import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPLETION_RESERVATION, estimateTokens, tokensToReserve } from './estimate-tokens.js';

describe('token estimate', () => {
  it('counts a chat prompt as OpenAI frames it, message overhead included', () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'What is the capital of France? Answer in one word.' },
    ];
    const estimate = estimateTokens('chat.completions', { model: 'gpt-4o', messages }, countTokens);
    expect(estimate.prompt).toBe(encodeChat(messages, 'gpt-4o').length);
    expect(estimate.maxCompletion).toBeUndefined();
  });

  it('counts text parts and prices an image part, and takes max_completion_tokens times n', () => {
    const body = {
      model: 'gpt-4o',
      n: 2,
      max_tokens: 50,
      max_completion_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this picture' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
    };
    const estimate = estimateTokens('chat.completions', body, countTokens);
    expect(estimate.prompt).toBe(3 + 4 + countTokens('Describe this picture') + 85);
    expect(estimate.maxCompletion).toBe(200);
  });

  it('counts embeddings inputs: text, lists of texts, and token arrays by their length', () => {
    const count = (input: unknown) => estimateTokens('embeddings', { model: 'e', input }, countTokens).prompt;
    expect(count('hello world')).toBe(2);
    expect(count(['hello world', 'bonjour'])).toBe(2 + countTokens('bonjour'));
    expect(count([1, 2, 3])).toBe(3);
    expect(count([[1, 2], [3]])).toBe(3);
    expect(estimateTokens('embeddings', { input: 'x' }, countTokens).maxCompletion).toBe(0);
  });

  it('reserves the default answer size when max_tokens is absent, cut to fit the limit', () => {
    expect(tokensToReserve({ prompt: 20, maxCompletion: undefined }, 100_000)).toBe(
      20 + DEFAULT_COMPLETION_RESERVATION,
    );
    expect(tokensToReserve({ prompt: 20, maxCompletion: undefined }, 500)).toBe(500);
    // The prompt alone is over: the request is too large whatever it asks for.
    expect(tokensToReserve({ prompt: 600, maxCompletion: undefined }, 500)).toBe(600);
    // An explicit max_tokens is never cut.
    expect(tokensToReserve({ prompt: 20, maxCompletion: 1000 }, 500)).toBe(1020);
  });
});
