import { ApiError, FinishReason, FunctionCallingConfigMode, GoogleGenAI, type Content } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from './start-fake-gemini.js';

// The fake is only trusted once Google's own SDK, used as a client, accepts what it sends.
const KEY = 'AIzaSy-fake-gemini-key-0123456789';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
const weather = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Current weather of a city',
      parametersJsonSchema: {
        type: 'object',
        properties: { location: { type: 'string' } },
        required: ['location'],
        additionalProperties: false,
      },
    },
  ],
};

let fake: FakeGemini;
let ai: GoogleGenAI;
beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: KEY });
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.stop());

const failureOf = async (p: Promise<unknown>): Promise<ApiError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
};

describe('startFakeGemini with the official @google/genai SDK', () => {
  it('answers generateContent with an echo, usage and the model version', async () => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'hello there',
      config: { systemInstruction: 'Be brief.', temperature: 0.3 },
    });
    expect(res.text).toBe('Echo: hello there');
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 3,
      totalTokenCount: 7,
    });
    expect(res.modelVersion).toBe('gemini-2.0-flash');
    expect(res.responseId).toMatch(/^fake-response-/);

    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe(KEY);
    expect(seen.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3 },
    });
  });

  it('reads inline and by-URL media, naming their types in the echo', async () => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'what is this?' },
            { inlineData: { mimeType: 'image/png', data: PNG } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(res.text).toBe('Echo: what is this? [image/png, image/jpeg]');
  });

  it('streams word by word over SSE, usage complete on the last event', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'one two three',
    });
    const texts: string[] = [];
    let last;
    for await (const chunk of stream) {
      texts.push(chunk.text ?? '');
      last = chunk;
    }
    expect(texts.join('')).toBe('Echo: one two three');
    expect(texts.length).toBe(4);
    expect(last?.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(last?.usageMetadata).toMatchObject({ candidatesTokenCount: 4, totalTokenCount: 7 });
    expect(fake.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
  });

  it('calls functions in parallel, takes their results back and answers from them', async () => {
    const ask: Content = { role: 'user', parts: [{ text: 'What is the weather in Oslo and Paris?' }] };
    const first = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [ask],
      config: { tools: [weather] },
    });
    expect(first.functionCalls).toEqual([
      { name: 'get_weather', args: { location: 'Oslo' } },
      { name: 'get_weather', args: { location: 'Paris' } },
    ]);

    const second = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        ask,
        first.candidates![0]!.content!,
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 3 } } },
            { functionResponse: { name: 'get_weather', response: { temp: 17 } } },
          ],
        },
      ],
      config: { tools: [weather] },
    });
    expect(second.text).toBe('Results: get_weather={"temp":3}; get_weather={"temp":17}');
  });

  it('obeys the function calling mode: ANY calls the allowed function, NONE never calls', async () => {
    const forced = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'hello',
      config: {
        tools: [weather],
        toolConfig: {
          functionCallingConfig: {
            mode: FunctionCallingConfigMode.ANY,
            allowedFunctionNames: ['get_weather'],
          },
        },
      },
    });
    expect(forced.functionCalls?.[0]?.name).toBe('get_weather');
    const never = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'weather please',
      config: {
        tools: [weather],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } },
      },
    });
    expect(never.functionCalls).toBeUndefined();
  });

  it('signs Gemini 3 function calls and refuses a history that drops the signature', async () => {
    const ask: Content = { role: 'user', parts: [{ text: 'weather in Rome?' }] };
    const first = await ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      contents: [ask],
      config: { tools: [weather] },
    });
    const call = first.candidates![0]!.content!.parts![0]!;
    expect(call.thoughtSignature).toEqual(expect.any(String));
    expect(first.usageMetadata?.thoughtsTokenCount).toBe(4);

    const reply: Content = {
      role: 'user',
      parts: [{ functionResponse: { name: 'get_weather', response: {} } }],
    };
    const unsigned: Content = { role: 'model', parts: [{ functionCall: call.functionCall! }] };
    const err = await failureOf(
      ai.models.generateContent({
        model: 'gemini-3-pro-preview',
        contents: [ask, unsigned, reply],
        config: { tools: [weather] },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('missing a thought_signature');
  });

  it('limits output by maxOutputTokens with MAX_TOKENS, and answers JSON in JSON mode', async () => {
    const cut = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'a b c d e',
      config: { maxOutputTokens: 2, candidateCount: 2 },
    });
    expect(cut.candidates?.map((c) => [c.index, c.finishReason])).toEqual([
      [0, FinishReason.MAX_TOKENS],
      [1, FinishReason.MAX_TOKENS],
    ]);
    expect(cut.text).toBe('Echo: a');
    const json = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'hi',
      config: { responseMimeType: 'application/json' },
    });
    expect(JSON.parse(json.text!)).toEqual({ echo: 'Echo: hi' });
  });

  it('blocks a prompt with promptFeedback and no candidates, and a response with a SAFETY finish', async () => {
    const prompt = await ai.models.generateContent({ model: 'blocked-prompt', contents: 'x' });
    expect(prompt.candidates).toBeUndefined();
    expect(prompt.promptFeedback?.blockReason).toBe('SAFETY');
    const answer = await ai.models.generateContent({ model: 'blocked-response', contents: 'x' });
    expect(answer.candidates?.[0]?.finishReason).toBe(FinishReason.SAFETY);
    expect(answer.text).toBeUndefined();
  });

  it.each([
    ['fail-400', 400, 'INVALID_ARGUMENT'],
    ['fail-404', 404, 'NOT_FOUND'],
    ['fail-429', 429, 'RESOURCE_EXHAUSTED'],
    ['fail-500', 500, 'INTERNAL'],
    ['fail-503', 503, 'UNAVAILABLE'],
  ])('surfaces %s as ApiError %i (%s)', async (model, status, name) => {
    const err = await failureOf(ai.models.generateContent({ model, contents: 'hi' }));
    expect(err.status).toBe(status);
    expect(err.message).toContain(name);
  });

  it('answers a wrong key with 400 API_KEY_INVALID, as Google does', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'AIza-wrong', httpOptions: { baseUrl: fake.url } });
    const err = await failureOf(wrong.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('API_KEY_INVALID');
  });

  it('makes the SDK throw on an error event mid-stream, after the first chunks', async () => {
    const stream = await ai.models.generateContentStream({ model: 'stream-error', contents: 'a b c d' });
    const texts: string[] = [];
    const iterate = async (): Promise<void> => {
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    };
    const err = await failureOf(iterate());
    expect(err.status).toBe(500);
    expect(texts).toEqual(['Echo:', ' a']);
  });

  it('makes the SDK fail when the connection breaks mid-stream', async () => {
    const stream = await ai.models.generateContentStream({ model: 'break-stream', contents: 'a b c d' });
    const iterate = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(iterate()).rejects.toThrow();
  });
});
