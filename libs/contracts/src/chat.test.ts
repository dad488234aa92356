import { loadOpenAISpec, type OpenAISpec } from '@switchyard/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatCompletion, ChatCompletionChunk, ChatRequest, ModelList } from './chat.js';

// Every example is checked against OpenAI's published spec too, so "OpenAI-shaped" is not our guess.
let spec: OpenAISpec;
beforeAll(() => {
  const loaded = loadOpenAISpec();
  if ('missing' in loaded) throw new Error(loaded.missing);
  spec = loaded;
});

const completion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Hello! How can I assist you today?',
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 19,
    completion_tokens: 10,
    total_tokens: 29,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_50cad350e4',
};

const toolCallCompletion = {
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1699896916,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: 'call_abc123',
            type: 'function',
            function: { name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99 },
};

const chunkBase = {
  id: 'chatcmpl-123',
  object: 'chat.completion.chunk',
  created: 1694268190,
  model: 'gpt-4o-mini',
};
const chunks = {
  role: {
    ...chunkBase,
    system_fingerprint: 'fp_44709d6fcb',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
  },
  content: {
    ...chunkBase,
    choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }],
  },
  toolCall: {
    ...chunkBase,
    choices: [
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
    ],
  },
  toolArgs: {
    ...chunkBase,
    choices: [
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        logprobs: null,
        finish_reason: null,
      },
    ],
  },
  finish: {
    ...chunkBase,
    choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
  },
  usage: {
    ...chunkBase,
    choices: [],
    usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
  },
};

describe('ChatCompletion', () => {
  it.each([
    ['a text answer', completion],
    ['a tool call answer', toolCallCompletion],
  ])('accepts %s that OpenAI sends, keeping fields it does not know', (_, example) => {
    expect(spec.validate('CreateChatCompletionResponse', example)).toEqual([]);
    const parsed = ChatCompletion.parse(example);
    expect(parsed).toEqual(example);
  });

  it('rejects a chunk posing as a completion, and an unknown finish reason', () => {
    expect(ChatCompletion.safeParse({ ...completion, object: 'chat.completion.chunk' }).success).toBe(false);
    const badFinish = { ...completion, choices: [{ ...completion.choices[0], finish_reason: 'done' }] };
    expect(spec.validate('CreateChatCompletionResponse', badFinish)).not.toEqual([]);
    expect(ChatCompletion.safeParse(badFinish).success).toBe(false);
  });

  it('rejects negative token counts in usage', () => {
    const bad = { ...completion, usage: { prompt_tokens: -1, completion_tokens: 0, total_tokens: 0 } };
    expect(ChatCompletion.safeParse(bad).success).toBe(false);
  });
});

describe('ChatCompletionChunk', () => {
  it.each(Object.entries(chunks))('accepts the %s chunk of an OpenAI stream', (_, example) => {
    expect(spec.validate('CreateChatCompletionStreamResponse', example)).toEqual([]);
    expect(ChatCompletionChunk.parse(example)).toEqual(example);
  });

  it('accepts usage: null on every chunk but the last, as with stream_options.include_usage', () => {
    const example = { ...chunks.content, usage: null };
    expect(spec.validate('CreateChatCompletionStreamResponse', example)).toEqual([]);
    expect(ChatCompletionChunk.safeParse(example).success).toBe(true);
  });

  it('rejects a chunk whose delta content is not text', () => {
    const bad = { ...chunkBase, choices: [{ index: 0, delta: { content: 3 }, finish_reason: null }] };
    expect(ChatCompletionChunk.safeParse(bad).success).toBe(false);
  });

  it('rejects a whole completion posing as a chunk', () => {
    expect(ChatCompletionChunk.safeParse({ ...chunks.content, object: 'chat.completion' }).success).toBe(
      false,
    );
  });
});

describe('ChatRequest', () => {
  it('accepts the request examples OpenAI accepts', () => {
    const examples = [
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Hello!' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      {
        model: 'gpt-4o',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: "What's in this image?" },
              { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
            ],
          },
        ],
        max_completion_tokens: 300,
        seed: 7,
        logit_bias: { '50256': -100 },
        metadata: { job: 'nightly' },
      },
    ];
    for (const example of examples) {
      expect(spec.validate('CreateChatCompletionRequest', example)).toEqual([]);
      expect(ChatRequest.safeParse(example).success).toBe(true);
    }
  });

  it('rejects what OpenAI rejects: an empty message list, a bad image detail, a top_p above 1', () => {
    const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };
    const badImage = {
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x', detail: 'ultra' } }] },
      ],
    };
    for (const bad of [{ ...base, messages: [] }, badImage, { ...base, top_p: 1.5 }]) {
      expect(spec.validate('CreateChatCompletionRequest', bad)).not.toEqual([]);
      expect(ChatRequest.safeParse(bad).success).toBe(false);
    }
  });
});

describe('ModelList', () => {
  it('accepts the /v1/models answer OpenAI sends', () => {
    const list = {
      object: 'list',
      data: [
        { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
        { id: 'demo', object: 'model', created: 0, owned_by: 'switchyard' },
      ],
    };
    expect(spec.validate('ListModelsResponse', list)).toEqual([]);
    expect(ModelList.parse(list)).toEqual(list);
  });
});
