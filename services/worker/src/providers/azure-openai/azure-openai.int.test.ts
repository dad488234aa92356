import { describe, expect, it } from 'vitest';
import { startFakeAzureOpenAI } from '@switchyard/testkit';
import { chatBody, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { useWorkerWithFake } from '../../test-support/worker-with-fake.js';

const API_KEY = 'azure-worker-key-0123456789';
const env = useWorkerWithFake(
  () => startFakeAzureOpenAI({ apiKey: API_KEY }),
  (fake) => ({
    providers: {
      azure: { type: 'azure-openai', base_url: fake.url, api_key: API_KEY, api_version: '2024-10-21' },
      wrongkey: { type: 'azure-openai', base_url: fake.url, api_key: 'azure-wrong-key-abcdef' },
      oldversion: { type: 'azure-openai', base_url: fake.url, api_key: API_KEY, api_version: 'v1-nope' },
    },
  }),
);

describe('azure-openai worker', () => {
  it('calls the deployment URL with api-version and api-key, answers with Azure’s bytes and meters usage', async () => {
    const sent = env.harness.send('azure', chatBody('hello azure'), { upstreamModel: 'prod-gpt4o' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    expect(jsonOf(frame!)).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'Echo: hello azure' }, finish_reason: 'stop' }],
    });
    expect(textOf(frame!)).toContain('"prompt_filter_results"');
    const seen = env.fake.requests.at(-1)!;
    expect([seen.path, seen.apiVersion, seen.headers['api-key']]).toEqual([
      '/openai/deployments/prod-gpt4o/chat/completions',
      '2024-10-21',
      API_KEY,
    ]);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  it('streams without Azure’s prompt-filter chunk, asks usage upstream and meters it', async () => {
    const sent = env.harness.send('azure', chatBody('one two three', { stream: true }), {
      upstreamModel: 'prod-gpt4o',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map(jsonOf);
    expect(
      chunks.every((c) => c['object'] === 'chat.completion.chunk' && (c['choices'] as []).length === 1),
    ).toBe(true);
    const text = chunks.map(
      (c) => (c['choices'] as { delta: { content?: string } }[])[0]!.delta.content ?? '',
    );
    expect(text.join('')).toBe('Echo: one two three');
    expect(env.fake.requests.at(-1)!.body).toMatchObject({ stream_options: { include_usage: true } });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
  });

  it('passes a content_filter finish reason through', async () => {
    const frames = await env.harness.send('azure', chatBody('x y', { stream: true }), {
      upstreamModel: 'filtered-answer',
      stream: true,
    }).frames;
    const finish = frames.slice(0, -1).map(jsonOf).at(-1)!;
    expect(finish['choices']).toMatchObject([{ finish_reason: 'content_filter' }]);
    expect(frames.at(-1)!.kind).toBe('done');
  });

  it('answers a blocked prompt with 400 content_filter, naming the filtered category', async () => {
    const [frame] = await env.harness.send('azure', chatBody('hi'), { upstreamModel: 'content-filter' })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 400, 'invalid_request']);
    expect(jsonOf(frame!)['error']).toMatchObject({
      code: 'content_filter',
      param: 'messages',
      message: expect.stringMatching(/content management policy.*\(filtered: violence\)$/),
    });
  });

  it.each([
    ['fail-404', 404, 'model_not_found'],
    ['fail-429', 429, 'rate_limited'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
  ])('maps deployment %s to %i %s', async (deployment, status, code) => {
    const [frame] = await env.harness.send('azure', chatBody('hi'), {
      upstreamModel: deployment,
      stream: true,
    }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', status, code]);
  });

  it('ends a started stream with an error frame when Azure fails mid-answer', async () => {
    const frames = await env.harness.send('azure', chatBody('a b c'), {
      upstreamModel: 'stream-error',
      stream: true,
    }).frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
  });

  it('blames the operator’s key or api_version, never echoing the key', async () => {
    const [denied] = await env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'dep' }).frames;
    expect([denied!.status, denied!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(denied!)).not.toContain('azure-wrong-key');
    const [lost] = await env.harness.send('oldversion', chatBody('hi'), { upstreamModel: 'dep' }).frames;
    expect([lost!.status, lost!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(lost!)).toMatch(/base_url and api_version/);
  });
});
