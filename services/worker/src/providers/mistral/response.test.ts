import { readFileSync } from 'node:fs';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { mistralProtocol } from './adapter.js';

const text = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const protocol = mistralProtocol('mistral', {
  type: 'mistral',
  base_url: 'https://api.mistral.ai',
  headers: {},
  connections: 1,
  drop_params: false,
});
const read = (name: string) => {
  const { data, usage } = protocol.readResponse(new TextEncoder().encode(text(name)), testCall({}));
  return {
    answer: JSON.parse(new TextDecoder().decode(data)) as { choices: Record<string, unknown>[] },
    usage,
  };
};

describe('Mistral whole answers', () => {
  it('keep the envelope and usage, with OpenAI’s message fields', () => {
    const { answer, usage } = read('completion.json');
    expect(answer).toMatchObject({
      id: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
      object: 'chat.completion',
      created: 1702256327,
    });
    expect(answer.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(usage).toEqual({ prompt_tokens: 16, completion_tokens: 34, total_tokens: 50 });
  });

  it('give tool calls their type and a null content', () => {
    expect(read('completion-tools.json').answer.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'D681PevKs',
            type: 'function',
            function: { name: 'retrieve_payment_status', arguments: '{"transaction_id": "T1001"}' },
          },
        ],
      },
    });
  });

  it('split a reasoning model’s thinking from its text', () => {
    expect(read('completion-thinking.json').answer.choices[0]!['message']).toEqual({
      role: 'assistant',
      content: '4',
      reasoning: '2+2 is basic arithmetic.',
      refusal: null,
    });
  });

  it('map model_length to length, and refuse an answer that finished with error', () => {
    expect(read('completion-model-length.json').answer.choices[0]!['finish_reason']).toBe('length');
    expect(() => read('completion-error-finish.json')).toThrow(
      expect.objectContaining({ code: 'upstream_error' }),
    );
  });
});

describe('Mistral errors', () => {
  const fail = (status: number, name: string) => protocol.mapError({ status, body: text(name), headers: {} });

  it('turns a 422 validation report into a 400 naming the field', () => {
    const err = fail(422, 'error-extra-forbidden.json');
    expect(toOpenAIErrorBody(err).error).toMatchObject({
      message: 'messages[0].user.name: Extra inputs are not permitted',
      param: 'messages[0].user.name',
      type: 'invalid_request_error',
    });
    expect(err.status).toBe(400);
  });

  it('maps an unknown model (Mistral’s 400 invalid_model) to 404 model_not_found', () => {
    const err = fail(400, 'error-invalid-model.json');
    expect([err.code, err.status, err.message]).toEqual([
      'model_not_found',
      404,
      'Invalid model: mistral-huge-latest',
    ]);
  });

  it('marks a prompt too long for the model as context_length_exceeded', () => {
    const err = fail(400, 'error-context-too-long.json');
    expect(toOpenAIErrorBody(err).error.code).toBe('context_length_exceeded');
  });

  it('keeps a 400’s message without Mistral’s numeric codes', () => {
    const body = toOpenAIErrorBody(fail(400, 'error-message-order.json')).error;
    expect(body).toMatchObject({ message: "Unexpected role 'user' after role 'tool'", code: null });
  });

  it('hides the 401 text and maps 429 to rate_limited', () => {
    expect(fail(401, 'error-unauthorized.json')).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(fail(429, 'error-rate-limited.json')).toMatchObject({ code: 'rate_limited', status: 429 });
  });
});
