import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { ollamaProtocol } from './adapter.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const protocol = ollamaProtocol('ollama', {
  type: 'ollama',
  base_url: 'http://127.0.0.1:11434',
  headers: {},
  connections: 1,
  drop_params: false,
});
const read = (name: string) => {
  const { data, usage } = protocol.readResponse(fixture(name), testCall({ model: 'm', messages: [] }));
  return { answer: JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>, usage };
};

describe('Ollama whole answers', () => {
  it('become an OpenAI completion with the answer, reason and counts', () => {
    const { answer, usage } = read('chat.json');
    expect(answer).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: 1702390423, // 2023-12-12T14:13:43Z, from created_at
      model: 'llama3.2',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How are you today?', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 },
    });
    expect(usage).toEqual({ prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 });
  });

  it('turn whole tool calls into OpenAI tool calls with JSON arguments and finish reason tool_calls', () => {
    const { answer } = read('chat-tools.json');
    const choice = (answer['choices'] as Record<string, unknown>[])[0]!;
    expect(choice['finish_reason']).toBe('tool_calls');
    expect(choice['message']).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        {
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_current_weather', arguments: '{"format":"celsius","location":"Paris, FR"}' },
        },
      ],
    });
  });

  it('keep a thinking model’s reasoning apart from its answer', () => {
    const { answer } = read('chat-thinking.json');
    expect((answer['choices'] as { message: unknown }[])[0]!.message).toEqual({
      role: 'assistant',
      content: 'Hi!',
      refusal: null,
      reasoning: 'The user greets me.',
    });
  });

  it('refuse an answer that is not JSON as upstream_error', () => {
    expect(() => protocol.readResponse(new TextEncoder().encode('<html>'), testCall({}))).toThrow(
      expect.objectContaining({ code: 'upstream_error' }),
    );
  });
});

describe('Ollama errors', () => {
  const fail = (status: number, name: string) =>
    protocol.mapError({ status, body: new TextDecoder().decode(fixture(name)), headers: {} });

  it('maps a model it does not have to 404 model_not_found with its words', () => {
    const err = fail(404, 'model-not-found.json');
    expect([err.code, err.status, err.message]).toEqual([
      'model_not_found',
      404,
      'model "llama9" not found, try pulling it first',
    ]);
  });

  it('keeps the message of a 400 and of a server failure', () => {
    expect(fail(400, 'bad-request.json')).toMatchObject({
      code: 'invalid_request',
      message: 'invalid message format',
    });
    const err = fail(500, 'out-of-memory.json');
    expect([err.code, err.status]).toEqual(['upstream_error', 502]);
    expect(err.message).toContain('requires more system memory');
  });
});
