import { readFileSync } from 'node:fs';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { cohereProtocol } from './adapter.js';

const text = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const protocol = cohereProtocol('cohere', {
  type: 'cohere',
  base_url: 'https://api.cohere.com',
  headers: {},
  connections: 1,
  drop_params: false,
});
const read = (name: string) => {
  const call = testCall({}, { upstreamModel: 'command-a-03-2025' });
  const { data, usage } = protocol.readResponse(new TextEncoder().encode(text(name)), call);
  return {
    answer: JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown> & {
      choices: Record<string, unknown>[];
    },
    usage,
  };
};

describe('Cohere whole answers', () => {
  it('become an OpenAI completion: Cohere’s id, the upstream model, the text, usage from tokens', () => {
    const { answer, usage } = read('chat.json');
    expect(answer).toEqual({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'command-a-03-2025',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'LLMs are neural networks trained on large amounts of text.',
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 71, completion_tokens: 12, total_tokens: 83 },
    });
    expect(usage).toEqual({ prompt_tokens: 71, completion_tokens: 12, total_tokens: 83 });
  });

  it('give tool calls with the tool plan as content and finish reason tool_calls', () => {
    expect(read('chat-tools.json').answer.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'I will search for the weather in Toronto.',
        refusal: null,
        tool_calls: [
          {
            id: 'get_weather_1byjy32y4hvq',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Toronto"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('keep thinking apart and report cached tokens', () => {
    const { answer, usage } = read('chat-thinking.json');
    expect(answer.choices[0]!['message']).toMatchObject({ content: '4', reasoning: '2+2 is arithmetic.' });
    expect(usage).toEqual({ prompt_tokens: 60, completion_tokens: 20, total_tokens: 80, cached_tokens: 48 });
  });

  it('map MAX_TOKENS to length, and fail an answer that finished with ERROR', () => {
    expect(read('chat-max-tokens.json').answer.choices[0]!['finish_reason']).toBe('length');
    expect(() => read('chat-error.json')).toThrow(expect.objectContaining({ code: 'upstream_error' }));
  });
});

describe('Cohere errors', () => {
  const fail = (status: number, name: string) => protocol.mapError({ status, body: text(name), headers: {} });

  it('keeps a 400’s message, and marks too many tokens as context_length_exceeded', () => {
    expect(fail(400, 'error-bad-request.json')).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^invalid request: message must be/),
    });
    expect(toOpenAIErrorBody(fail(400, 'error-too-many-tokens.json')).error.code).toBe(
      'context_length_exceeded',
    );
  });

  it('maps 404 to model_not_found with Cohere’s words', () => {
    expect(fail(404, 'error-not-found.json')).toMatchObject({
      code: 'model_not_found',
      message: expect.stringMatching(/model 'command-x' not found/),
    });
  });

  it.each([401, 498])('blames the gateway’s key on %i', (status) => {
    const err = fail(status, 'error-unauthorized.json');
    expect([err.code, err.status]).toEqual(['upstream_error', 502]);
    expect(err.message).toContain("rejected the gateway's credentials");
  });

  it('maps 429 to rate_limited in our words, and 500 to 502', () => {
    const limited = fail(429, 'error-rate-limited.json');
    expect([limited.code, limited.status]).toEqual(['rate_limited', 429]);
    expect(limited.message).not.toContain('Trial key');
    expect(fail(500, 'error-internal.json')).toMatchObject({ code: 'upstream_error', status: 502 });
  });
});
