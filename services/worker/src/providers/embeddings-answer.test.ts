import { describe, expect, it } from 'vitest';
import { testCall } from '../test-support/replay-stream.js';
import {
  checkVectorCount,
  isVector,
  parseEmbeddingsJson,
  parseTextInput,
  parseTexts,
  toBase64Vector,
  toEmbeddingsAnswer,
} from './embeddings-answer.js';
import { refusal } from '../test-support/golden.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const answerOf = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));

describe('parseTextInput and parseTexts', () => {
  it('keep a string or strings as sent, and list them one per vector', () => {
    expect(parseTextInput('a', 'acme')).toBe('a');
    expect(parseTextInput(['a', 'b'], 'acme')).toEqual(['a', 'b']);
    expect(parseTexts('a', 'acme')).toEqual(['a']);
    expect(parseTexts(['a', 'b'], 'acme')).toEqual(['a', 'b']);
  });

  it('refuse token ids and anything else with a 400 naming input', () => {
    for (const input of [[1, 2, 3], [[1, 2]], ['a', 1], undefined, { text: 'a' }]) {
      expect(refusal(() => parseTexts(input, 'acme'))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'acme',
        message: expect.stringMatching(/embeds text only/),
      });
    }
  });
});

describe('reading a provider embeddings answer', () => {
  it('parses JSON and calls anything else an upstream error', () => {
    expect(parseEmbeddingsJson(encoder.encode('{"a":1}'), 'acme')).toEqual({ a: 1 });
    const err = refusal(() => parseEmbeddingsJson(encoder.encode('<html>'), 'acme'));
    expect(err).toMatchObject({ code: 'upstream_error', provider: 'acme' });
    expect((err as Error).message).toBe('Provider acme sent an embeddings answer it cannot read.');
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('wants one vector per input', () => {
    const call = testCall({ input: ['a', 'b'] });
    expect(() => checkVectorCount(2, call)).not.toThrow();
    for (const count of [0, 1, 3]) {
      expect(refusal(() => checkVectorCount(count, call))).toMatchObject({
        code: 'upstream_error',
        provider: 'acme',
      });
    }
    expect(() => checkVectorCount(1, testCall({ input: 'a' }))).not.toThrow();
  });

  it('takes finite numbers as a vector', () => {
    expect(isVector([0.5, -1, 0])).toBe(true);
    expect(isVector([])).toBe(true);
    expect(isVector(['a'])).toBe(false);
    expect(isVector([Number.NaN])).toBe(false);
    expect(isVector({ 0: 1 })).toBe(false);
  });
});

describe('toEmbeddingsAnswer', () => {
  it("builds OpenAI's answer with floats, positions as indexes and the provider's counts", () => {
    const read = toEmbeddingsAnswer(testCall({ input: ['a', 'b'] }), {
      vectors: [[0.5], [0.25]],
      model: 'm',
      promptTokens: 3,
    });
    expect(decoder.decode(read.data)).toBe(
      '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5]},' +
        '{"object":"embedding","index":1,"embedding":[0.25]}],"model":"m",' +
        '"usage":{"prompt_tokens":3,"total_tokens":3}}',
    );
    expect(read.usage).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 });
  });

  it('encodes little-endian float32 in base64 when asked', () => {
    expect(toBase64Vector([1, 2])).toBe('AACAPwAAAEA=');
    const read = toEmbeddingsAnswer(testCall({ input: 'a', encoding_format: 'base64' }), {
      vectors: [[1, 2]],
      model: 'm',
    });
    expect(answerOf(read.data)).toMatchObject({ data: [{ index: 0, embedding: 'AACAPwAAAEA=' }] });
  });

  it("keeps the provider's indexes where they are counts", () => {
    const read = toEmbeddingsAnswer(testCall({ input: ['a', 'b', 'c'] }), {
      vectors: [[1], [2], [3]],
      indexes: [2, 'x', undefined],
      model: 'm',
    });
    expect(answerOf(read.data)).toMatchObject({
      data: [{ index: 2 }, { index: 1 }, { index: 2 }],
    });
  });

  it('says 0 tokens and meters nothing when the provider counts none', () => {
    const read = toEmbeddingsAnswer(testCall({ input: 'a' }), { vectors: [[1]], model: 'm' });
    expect(answerOf(read.data)).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(read.usage).toBeUndefined();
  });

  it("uses the provider's total when it gives one", () => {
    const call = testCall({ input: 'a' });
    const both = toEmbeddingsAnswer(call, { vectors: [[1]], model: 'm', promptTokens: 2, totalTokens: 5 });
    expect(answerOf(both.data)).toMatchObject({ usage: { prompt_tokens: 2, total_tokens: 5 } });
    expect(both.usage).toEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 5 });
    const totalOnly = toEmbeddingsAnswer(call, { vectors: [[1]], model: 'm', totalTokens: 5 });
    expect(answerOf(totalOnly.data)).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 5 } });
    expect(totalOnly.usage).toBeUndefined();
  });
});
