import { describe, expect, it } from 'vitest';
import { toBase64Vector } from '../embeddings-answer.js';
import { DEMO_DIMENSIONS, demoVector, toDemoEmbeddings } from './demo-embeddings.js';

type Answer = { data: { index: number; embedding: number[] | string }[]; usage: object; model: string };
const answerOf = (body: Record<string, unknown>): Answer =>
  toDemoEmbeddings(body, 'demo-embed').answer as Answer;
const fromBase64 = (text: string): number[] => {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
};

describe('demo embeddings', () => {
  it('gives the same text the same unit vector of 8 dimensions, and other texts other vectors', () => {
    const a = demoVector('hello', DEMO_DIMENSIONS);
    expect(a).toHaveLength(8);
    expect(demoVector('hello', DEMO_DIMENSIONS)).toEqual(a);
    expect(demoVector('hello!', DEMO_DIMENSIONS)).not.toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
  });

  it('answers one vector per input, in order, for strings and token arrays', () => {
    expect(answerOf({ input: 'one' }).data.map((d) => d.index)).toEqual([0]);
    const many = answerOf({ input: ['one', 'two', 'one'] });
    expect(many.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(many.data[2]!.embedding).toEqual(many.data[0]!.embedding);
    expect(answerOf({ input: [1, 2, 3] }).data).toHaveLength(1);
    expect(answerOf({ input: [[1, 2], [3]] }).data).toHaveLength(2);
  });

  it('counts words, or tokens of token arrays, as prompt tokens', () => {
    const { usage, answer } = toDemoEmbeddings({ input: ['two words', 'three more words'] }, 'm');
    expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 });
    expect((answer as Answer).usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(toDemoEmbeddings({ input: [[1, 2], [3]] }, 'm').usage.prompt_tokens).toBe(3);
  });

  it('honours dimensions and sends base64 that decodes to the very same floats', () => {
    const floats = answerOf({ input: 'x', dimensions: 20 }).data[0]!.embedding as number[];
    expect(floats).toHaveLength(20);
    const base64 = answerOf({ input: 'x', dimensions: 20, encoding_format: 'base64' }).data[0]!.embedding;
    expect(typeof base64).toBe('string');
    expect(fromBase64(base64 as string)).toEqual(floats);
    expect(toBase64Vector([1, 2])).toBe('AACAPwAAAEA=');
  });
});
