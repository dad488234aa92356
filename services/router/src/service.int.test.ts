import type { Frame } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Headers, ModelList, Ops, StageNames, Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startStageHarness, waitUntil, type StageHarness } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRouter } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });
const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const config = parseConfig({
  providers: { openai: upstream, anthropic: upstream },
  models: {
    'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o-2024-08-06' }] },
    claude: { deployments: [{ provider: 'anthropic', model: 'claude-sonnet-4' }] },
    'openai/*': { deployments: [{ provider: 'openai' }] },
  },
});

let h: StageHarness;

/** Publishes to the router like the cache does and resolves with the terminal frame. */
const send = (headers: Record<string, string>, body = '{}'): Promise<Frame> =>
  h.send(Subjects.route, body, headers);

const json = (frame: Frame): unknown => JSON.parse(Buffer.from(frame.data).toString('utf8'));
const chat = (model: string) => ({
  [Headers.op]: Ops.chatCompletions,
  [Headers.model]: model,
  [Headers.requestId]: 'req-1',
  [Headers.keyId]: 'app',
});

beforeAll(async () => {
  h = await startStageHarness({
    name: 'router',
    start: ({ nc, presence }) => startRouter({ nc, presence, log, config }),
    // Stands in for the OpenAI workers: records what the router forwarded and answers.
    downstream: [{ name: StageNames.provider('openai'), subject: Subjects.provider('openai') }],
  });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.received.length = 0;
});

describe('router', () => {
  it("forwards a chat request to its provider's workers with the deployment stamped", async () => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    const frame = await send(chat('gpt-4o'), body);
    expect(frame.kind).toBe('response');
    expect(h.received).toHaveLength(1);
    const got = h.received[0]!;
    expect(got.subject).toBe(Subjects.provider('openai'));
    expect(got.body).toBe(body);
    expect(got.headers).toMatchObject({
      [Headers.provider]: 'openai',
      [Headers.deployment]: 'openai/gpt-4o-2024-08-06',
      [Headers.upstreamModel]: 'gpt-4o-2024-08-06',
      [Headers.attempt]: '1',
      [Headers.requestId]: 'req-1',
      [Headers.keyId]: 'app',
    });
  });

  it('passes the rest of a wildcard alias upstream', async () => {
    await send(chat('openai/gpt-4.1-mini'));
    expect(h.received[0]!.headers).toMatchObject({
      [Headers.upstreamModel]: 'gpt-4.1-mini',
      [Headers.deployment]: 'openai/gpt-4.1-mini',
    });
  });

  it('routes an embeddings request like a chat request, by the same aliases', async () => {
    const body = '{"model":"openai/text-embedding-3-small","input":"hello"}';
    await send({ ...chat('openai/text-embedding-3-small'), [Headers.op]: Ops.embeddings }, body);
    expect(h.received.map((r) => [r.subject, r.body])).toEqual([[Subjects.provider('openai'), body]]);
    expect(h.received[0]!.headers).toMatchObject({
      [Headers.op]: 'embeddings',
      [Headers.provider]: 'openai',
      [Headers.upstreamModel]: 'text-embedding-3-small',
    });
    const unknown = await send({ ...chat('text-embedding-nope'), [Headers.op]: Ops.embeddings });
    expect(unknown.status).toBe(404);
  });

  it('sends a request a worker sent back to a deployment it has not tried', async () => {
    const retried = {
      ...chat('gpt-4o'),
      [Headers.attempt]: '2',
      [Headers.excludedDeployments]: 'openai/gpt-4o-2024-08-06',
      [Headers.lastErrorCode]: 'upstream_error',
      [Headers.lastErrorStatus]: '502',
      [Headers.lastErrorBody]: JSON.stringify({
        error: { message: 'Bad gateway.', type: 'server_error', param: null, code: 'upstream_error' },
      }),
    };
    await send({ ...retried, [Headers.excludedDeployments]: 'some/other' });
    expect(h.received[0]!.headers).toMatchObject({
      [Headers.deployment]: 'openai/gpt-4o-2024-08-06',
      [Headers.attempt]: '2',
      [Headers.maxAttempts]: '3',
      [Headers.routeAlias]: 'gpt-4o',
    });

    // Nothing left, and no time to retry the one that failed: its error is the answer.
    h.received.length = 0;
    const frame = await send({ ...retried, [Headers.deadline]: String(Date.now() + 80) });
    expect(h.received).toHaveLength(0);
    expect(frame.status).toBe(502);
    expect(json(frame)).toEqual({
      error: { message: 'Bad gateway.', type: 'server_error', param: null, code: 'upstream_error' },
    });
  });

  it('answers 404 in the OpenAI shape for an unknown model', async () => {
    const frame = await send(chat('gpt-5-ultra'));
    expect(frame.status).toBe(404);
    expect(json(frame)).toEqual({
      error: {
        message: "The model 'gpt-5-ultra' does not exist or you do not have access to it.",
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(h.received).toHaveLength(0);
  });

  it("answers 503 at once when no worker for the model's provider runs", async () => {
    // Right after start a presence counts unknown stages as alive; wait until that has passed.
    await waitUntil(() => !h.presence.isAlive(StageNames.provider('anthropic')));
    const started = Date.now();
    const frame = await send(chat('claude'));
    expect(frame.status).toBe(503);
    expect(Buffer.from(frame.data).toString('utf8')).toContain('provider.anthropic');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lists the models the key may use', async () => {
    const frame = await send({ [Headers.op]: Ops.models, [Headers.allowedModels]: 'gpt-4o*,openai/*' }, '');
    expect(frame.kind).toBe('response');
    const list = ModelList.parse(json(frame));
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4o', 'openai/*']);
    expect(list.data[0]!.owned_by).toBe('openai');
    expect(Math.abs(list.data[0]!.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('lists every model for a key allowed everything', async () => {
    const frame = await send({ [Headers.op]: Ops.models, [Headers.allowedModels]: '*' }, '');
    expect(ModelList.parse(json(frame)).data.map((m) => m.id)).toEqual(['gpt-4o', 'claude', 'openai/*']);
  });
});
