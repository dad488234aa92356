import { loadOpenAISpec, type OpenAISpec } from '@switchyard/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingsRequest, EmbeddingsResponse } from './embeddings.js';
import { GatewayError } from './errors.js';
import { parseEmbeddingsRequest } from './validate.js';

// Every example is checked against OpenAI's published spec too.
let spec: OpenAISpec;
beforeAll(() => {
  const loaded = loadOpenAISpec();
  if ('missing' in loaded) throw new Error(loaded.missing);
  spec = loaded;
});

const reject = (body: unknown): GatewayError => {
  try {
    parseEmbeddingsRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
};

describe('EmbeddingsRequest', () => {
  it.each([
    ['a string', { model: 'text-embedding-3-small', input: 'The food was delicious' }],
    ['strings', { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' }],
    ['tokens', { model: 'text-embedding-3-small', input: [1212, 318, 257], dimensions: 256 }],
    ['token arrays', { model: 'text-embedding-ada-002', input: [[1212, 318], [257]], user: 'user-1' }],
    ['base64', { model: 'text-embedding-3-large', input: 'x', encoding_format: 'base64' }],
  ])('accepts %s, as OpenAI does', (_, example) => {
    expect(spec.validate('CreateEmbeddingRequest', example)).toEqual([]);
    expect(EmbeddingsRequest.parse(example)).toEqual(example);
  });

  it('passes fields it does not know through, for providers that do', () => {
    const body = { model: 'embed-v4.0', input: 'x', input_type: 'search_query' };
    expect(parseEmbeddingsRequest(body)).toEqual(body);
  });

  it.each([
    ['a missing input', { model: 'm' }, 'input', /^Missing required parameter: 'input'/],
    ['a missing model', { input: 'x' }, 'model', /^Missing required parameter: 'model'/],
    ['an empty string', { model: 'm', input: '' }, 'input', /^Invalid value for 'input'/],
    ['an empty list', { model: 'm', input: [] }, 'input', /^Invalid value for 'input'/],
    ['an empty string in a list', { model: 'm', input: ['a', ''] }, 'input[1]', /'input\[1\]'/],
    ['an input that is a number', { model: 'm', input: 5 }, 'input', /none of the accepted shapes/],
    [
      'an unknown encoding',
      { model: 'm', input: 'x', encoding_format: 'int8' },
      'encoding_format',
      /"base64"/,
    ],
    ['zero dimensions', { model: 'm', input: 'x', dimensions: 0 }, 'dimensions', /1/],
    ['fractional dimensions', { model: 'm', input: 'x', dimensions: 1.5 }, 'dimensions', /int/],
  ])('rejects %s with 400 naming the parameter', (_, body, param, message) => {
    const err = reject(body);
    expect(err.code).toBe('invalid_request');
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it('rejects more inputs than OpenAI takes in one request', () => {
    expect(reject({ model: 'm', input: Array.from({ length: 2049 }, () => 'x') }).param).toBe('input');
  });
});

describe('EmbeddingsResponse', () => {
  const answer = {
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, 0.015797347] },
      { object: 'embedding', index: 1, embedding: [-0.0028842222, 0.1, 0] },
    ],
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 8, total_tokens: 8 },
  };

  it('accepts the answer OpenAI sends', () => {
    expect(spec.validate('CreateEmbeddingResponse', answer)).toEqual([]);
    expect(EmbeddingsResponse.parse(answer)).toEqual(answer);
  });

  it('accepts base64 vectors and rejects an answer without usage', () => {
    const base64 = { ...answer, data: [{ object: 'embedding', index: 0, embedding: 'AACAPwAAAEA=' }] };
    expect(EmbeddingsResponse.safeParse(base64).success).toBe(true);
    const { usage: _, ...withoutUsage } = answer;
    expect(spec.validate('CreateEmbeddingResponse', withoutUsage)).not.toEqual([]);
    expect(EmbeddingsResponse.safeParse(withoutUsage).success).toBe(false);
  });
});
