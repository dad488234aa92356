import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from './start-fake-ollama.js';

// Ollama has no official npm SDK among our dependencies, so the fake is checked against the
// request/response examples of Ollama's own API documentation (fixtures/documented-chat-examples.json):
// it must accept each documented request and answer with every documented field, of the same type.
interface Example {
  request: Record<string, unknown>;
  responses: Record<string, unknown>[];
}
const EXAMPLES = JSON.parse(
  readFileSync(new URL('./fixtures/documented-chat-examples.json', import.meta.url), 'utf8'),
) as Record<string, Example>;

/** Free-form values whose inner keys depend on the request, not on the wire format. */
const FREE_FORM = new Set(['arguments']);

function expectShapeCovers(actual: unknown, documented: unknown, path = '$'): void {
  if (Array.isArray(documented)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    if (documented.length > 0) expectShapeCovers((actual as unknown[])[0], documented[0], `${path}[0]`);
    return;
  }
  if (typeof documented === 'object') {
    expect(
      actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${path} is an object`,
    ).toBe(true);
    if (FREE_FORM.has(path.split('.').at(-1)!)) return;
    for (const [key, value] of Object.entries(documented)) {
      if (value === null) continue; // documented as null: may be left out
      expect(actual, `${path} has ${key}`).toHaveProperty([key]);
      expectShapeCovers((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(typeof actual, `${path} type`).toBe(typeof documented);
}

describe('startFakeOllama against Ollama’s documented /api/chat examples', () => {
  let fake: FakeOllama;
  const chat = (body: unknown): Promise<Response> =>
    fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
  const lines = async (res: Response): Promise<Record<string, unknown>[]> =>
    (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(() => fake.stop());

  it('streams newline-delimited JSON by default: pieces, then the final line with the counts', async () => {
    const { request, responses } = EXAMPLES['streaming']!;
    const res = await chat(request);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/x-ndjson']);
    const all = await lines(res);
    for (const piece of all.slice(0, -1)) expectShapeCovers(piece, responses[0]);
    expectShapeCovers(all.at(-1), responses[1]);
    expect(all.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 6,
    });
    expect(all.map((l) => (l['message'] as { content: string }).content).join('')).toBe(
      'Echo: why is the sky blue?',
    );
  });

  it.each(['no-streaming', 'structured-outputs', 'images', 'tools'])(
    'answers the documented %s request in the documented shape',
    async (name) => {
      const { request, responses } = EXAMPLES[name]!;
      const res = await chat(request);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json']);
      expectShapeCovers(await res.json(), responses[0]);
    },
  );

  it('answers JSON for a format, notes images, and calls the tool whole with object arguments', async () => {
    const content = async (name: string) =>
      ((await (await chat(EXAMPLES[name]!.request)).json()) as { message: Record<string, unknown> }).message;
    expect(JSON.parse((await content('structured-outputs'))['content'] as string)).toHaveProperty('echo');
    expect((await content('images'))['content']).toBe('Echo: what is in this image? [1 image]');
    expect((await content('tools'))['tool_calls']).toEqual([
      { function: { name: 'get_current_weather', arguments: { location: 'Paris' } } },
    ]);
  });

  it('cuts the answer at num_predict with done_reason length', async () => {
    const res = await chat({ ...EXAMPLES['no-streaming']!.request, options: { num_predict: 2 } });
    expect(await res.json()).toMatchObject({
      message: { content: 'Echo: why' },
      done_reason: 'length',
      eval_count: 2,
    });
  });

  it('answers errors as {"error": …} with the status, a missing model as 404', async () => {
    const missing = await chat({ model: 'fail-404', messages: [] });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: 'model "fail-404" not found, try pulling it first' },
    ]);
    const noModel = await chat({ messages: [] });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({ error: 'model is required' });
  });

  it('reports a failure after the answer started as an error line, with no done line', async () => {
    const all = await lines(
      await chat({ model: 'stream-error', messages: [{ role: 'user', content: 'a b c' }] }),
    );
    expect(all.at(-1)).toEqual({ error: expect.stringMatching(/error was encountered/) });
    expect(all.some((l) => l['done'] === true)).toBe(false);
  });

  it('records what it was sent, and answers GET / as Ollama does', async () => {
    expect(await (await fetch(fake.url)).text()).toBe('Ollama is running');
    await chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], options: { seed: 1 } });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/chat',
      body: { options: { seed: 1 } },
    });
  });
});
