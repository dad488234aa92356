import { describe, expect, it } from 'vitest';
import { GatewayError, toOpenAIErrorBody } from './errors.js';
import { parseChatRequest, parseJsonBody } from './validate.js';

const minimal = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

/** Runs `fn`, which must throw a GatewayError, and returns it. */
function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

const rejectChat = (body: unknown): GatewayError => thrown(() => parseChatRequest(body));

describe('parseJsonBody', () => {
  it('parses bytes and strings into the object', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(minimal));
    expect(parseJsonBody(bytes)).toEqual(minimal);
    expect(parseJsonBody(JSON.stringify(minimal))).toEqual(minimal);
  });

  it('reads only the view of a Uint8Array that is a slice of a larger buffer', () => {
    const whole = new TextEncoder().encode(`garbage{"model":"m"}garbage`);
    const view = whole.subarray(7, whole.length - 7);
    expect(parseJsonBody(view)).toEqual({ model: 'm' });
  });

  it('reads UTF-8 text', () => {
    const bytes = new TextEncoder().encode('{"content":"héllo ✓ 日本"}');
    expect(parseJsonBody(bytes)).toEqual({ content: 'héllo ✓ 日本' });
  });

  it.each(['{', '{"model": "m",}', '', 'not json', "{'model':'m'}"])(
    'answers malformed JSON %j with 400 invalid_request',
    (text) => {
      const err = thrown(() => parseJsonBody(text));
      expect(err.code).toBe('invalid_request');
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/not valid JSON/);
      expect(toOpenAIErrorBody(err).error.type).toBe('invalid_request_error');
    },
  );

  it.each(['[]', '[{"model":"m"}]', 'null', '"text"', '42', 'true'])(
    'answers a JSON body %s that is not an object with 400 invalid_request',
    (text) => {
      const err = thrown(() => parseJsonBody(text));
      expect(err.code).toBe('invalid_request');
      expect(err.status).toBe(400);
      expect(err.message).toBe('The request body must be a JSON object.');
    },
  );
});

describe('parseChatRequest accepts', () => {
  it('a minimal request', () => {
    expect(parseChatRequest(minimal)).toEqual(minimal);
  });

  it('unknown fields, passed through untouched at the top and in messages', () => {
    const body = {
      ...minimal,
      messages: [{ role: 'user', content: 'Hi', x_cache_control: { type: 'ephemeral' } }],
      reasoning_effort: 'low',
      top_k: 40,
      provider_options: { safe_prompt: true },
    };
    const parsed = parseChatRequest(body) as Record<string, unknown>;
    expect(parsed['reasoning_effort']).toBe('low');
    expect(parsed['top_k']).toBe(40);
    expect(parsed['provider_options']).toEqual({ safe_prompt: true });
    expect((parsed['messages'] as Record<string, unknown>[])[0]!['x_cache_control']).toEqual({
      type: 'ephemeral',
    });
  });

  it('null for optional sampling parameters, as SDKs send them', () => {
    expect(() =>
      parseChatRequest({ ...minimal, temperature: null, top_p: null, stop: null, max_tokens: null }),
    ).not.toThrow();
  });

  it('the boundary values of temperature', () => {
    expect(parseChatRequest({ ...minimal, temperature: 0 }).temperature).toBe(0);
    expect(parseChatRequest({ ...minimal, temperature: 2 }).temperature).toBe(2);
  });

  it('image, audio and text parts in a user message', () => {
    const body = {
      ...minimal,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    };
    expect(parseChatRequest(body).messages[0]).toEqual(body.messages[0]);
  });

  it('a tool-calling round trip: tools, assistant tool_calls with null content, tool results', () => {
    const body = {
      model: 'gpt-4o',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' },
      ],
    };
    const parsed = parseChatRequest(body);
    expect(parsed.messages).toHaveLength(4);
    expect(parsed.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' });
  });

  it('developer messages and json_schema response formats', () => {
    const body = {
      ...minimal,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Answer in JSON.' }] },
        ...minimal.messages,
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    };
    expect(() => parseChatRequest(body)).not.toThrow();
  });
});

describe('parseChatRequest rejects with 400 invalid_request naming the parameter', () => {
  it('a missing messages field', () => {
    const err = rejectChat({ model: 'gpt-4o-mini' });
    expect(err.code).toBe('invalid_request');
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages');
    expect(err.message).toBe("Missing required parameter: 'messages'.");
    expect(toOpenAIErrorBody(err).error).toMatchObject({ param: 'messages', type: 'invalid_request_error' });
  });

  it('a missing model', () => {
    const err = rejectChat({ messages: minimal.messages });
    expect(err.param).toBe('model');
    expect(err.message).toMatch(/Missing required parameter: 'model'/);
  });

  it('an empty messages list', () => {
    const err = rejectChat({ ...minimal, messages: [] });
    expect(err.param).toBe('messages');
    expect(err.message).toMatch(/^Invalid value for 'messages'/);
  });

  it('a temperature of the wrong type, saying which type is expected (not that it is missing)', () => {
    const err = rejectChat({ ...minimal, temperature: 'hot' });
    expect(err.param).toBe('temperature');
    expect(err.message).toMatch(/number/);
    expect(err.message).not.toMatch(/Missing/);
  });

  it('messages of the wrong type, saying an array is expected (not that it is missing)', () => {
    const err = rejectChat({ ...minimal, messages: 'Hello' });
    expect(err.param).toBe('messages');
    expect(err.message).toMatch(/array/);
    expect(err.message).not.toMatch(/Missing/);
  });

  it.each([
    [-0.1, /0/],
    [2.5, /2/],
  ])('a temperature %d out of range, saying the bound', (temperature, bound) => {
    const err = rejectChat({ ...minimal, temperature });
    expect(err.param).toBe('temperature');
    expect(err.message).toMatch(/^Invalid value for 'temperature'/);
    expect(err.message).toMatch(bound);
  });

  it('an unknown role, at messages[i].role', () => {
    const err = rejectChat({
      ...minimal,
      messages: [minimal.messages[0], { role: 'robot', content: 'beep' }],
    });
    expect(err.param).toBe('messages[1].role');
    expect(err.message).toMatch(/'messages\[1\]\.role'/);
  });

  it('message content of the wrong shape, at messages[0].content', () => {
    const err = rejectChat({ ...minimal, messages: [{ role: 'user', content: 42 }] });
    expect(err.param).toBe('messages[0].content');
    expect(err.message).toMatch(/'messages\[0\]\.content'/);
  });

  it('a tool message without tool_call_id, at messages[0].tool_call_id', () => {
    const err = rejectChat({ ...minimal, messages: [{ role: 'tool', content: 'x' }] });
    expect(err.param).toBe('messages[0].tool_call_id');
    expect(err.message).toBe("Missing required parameter: 'messages[0].tool_call_id'.");
  });

  it('a deeply nested field, with the full path', () => {
    const err = rejectChat({
      ...minimal,
      tools: [{ type: 'function', function: { name: '' } }],
    });
    expect(err.param).toBe('tools[0].function.name');
  });

  it('a non-integer n, saying an integer is expected', () => {
    const err = rejectChat({ ...minimal, n: 1.5 });
    expect(err.param).toBe('n');
    expect(err.message).toMatch(/int/);
    expect(err.message).not.toMatch(/Missing/);
  });

  it('more than four stop sequences', () => {
    expect(rejectChat({ ...minimal, stop: ['a', 'b', 'c', 'd', 'e'] }).param).toBe('stop');
  });

  it('a body that is not an object, with no param', () => {
    const err = rejectChat(null);
    expect(err.code).toBe('invalid_request');
    expect(err.param).toBeUndefined();
    expect(toOpenAIErrorBody(err).error.param).toBeNull();
  });
});
