import type { Frame } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Headers, StageNames, Subjects } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startStageHarness, waitUntil, type StageHarness } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCache } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });

let h: StageHarness;

/** Publishes to the cache like policy does and resolves with the terminal frame. */
const send = (body: string, headers: Record<string, string>): Promise<Frame> =>
  h.send(Subjects.cache, body, headers);

beforeAll(async () => {
  h = await startStageHarness({
    name: 'cache',
    start: ({ nc, presence }) => startCache({ nc, presence, log, config: parseConfig({}) }),
    // Stands in for the router: records what the cache forwarded and answers the requester.
    downstream: [{ name: StageNames.router, subject: Subjects.route, respondWith: '{"from":"router"}' }],
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('cache stage (in-memory store)', () => {
  it('forwards a request it does not cache with BYPASS, body and headers otherwise untouched', async () => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    const headers = { [Headers.requestId]: 'req-9', [Headers.model]: 'gpt-4o', [Headers.keyId]: 'app' };
    const frame = await send(body, headers);
    expect(Buffer.from(frame.data).toString('utf8')).toBe('{"from":"router"}');
    expect(h.received).toEqual([
      { subject: Subjects.route, body, headers: { ...headers, 'sy-answer-x-switchyard-cache': 'BYPASS' } },
    ]);
  });

  it('stamps a deterministic miss with its key, TTL and size bound for whoever answers', async () => {
    const body = '{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Hi"}]}';
    await send(body, { [Headers.requestId]: 'req-11', [Headers.model]: 'gpt-4o', [Headers.team]: 'search' });
    const forwarded = h.received.at(-1)!.headers;
    expect(forwarded[Headers.cacheKey]).toMatch(/^team%3asearch:gpt-4o:[0-9a-f]{64}$/);
    expect(forwarded[Headers.cacheTtlMs]).toBe('3600000');
    expect(forwarded['sy-answer-x-switchyard-cache']).toBe('MISS');
  });

  it('answers 503 at once when no router runs', async () => {
    await h.downstream[0]!.stop(0);
    await waitUntil(() => !h.presence.isAlive(StageNames.router));
    const frame = await send('{}', { [Headers.requestId]: 'req-10' });
    expect(frame.status).toBe(503);
  });
});
