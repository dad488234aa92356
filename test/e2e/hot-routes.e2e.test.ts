import { setTimeout as sleep } from 'node:timers/promises';
import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { createLogger } from '@switchyard/log';
import { startRouter } from '@switchyard/router';
import type { RunningService } from '@switchyard/runtime';
import {
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-e2e-0123456789';

let nats: ServiceHandle;
let before: FakeOpenAI;
let after: FakeOpenAI;
/** Answers each call 500 ms late, so calls held one at a time take visibly longer. */
let slow: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;
/** A second router replica, on its own connection, as another process would run it. */
let replica: { nc: NatsConnection; presence: Presence; router: RunningService };

beforeAll(async () => {
  nats = await startNats();
  before = await startFakeOpenAI();
  after = await startFakeOpenAI();
  slow = await startFakeOpenAI({ latencyMs: 500 });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 15_000 },
    master_key: MASTER,
    providers: {
      before: { type: 'openai-compatible', base_url: before.url },
      after: { type: 'openai-compatible', base_url: after.url },
      slow: { type: 'openai-compatible', base_url: slow.url },
    },
    models: {
      live: { deployments: [{ provider: 'before', model: 'gpt-4o' }] },
      other: { deployments: [{ provider: 'before', model: 'gpt-4o-mini' }] },
    },
  });
  const log = createLogger({ name: 'replica', level: 'silent' });
  const nc = await connectBus({ url: nats.url, name: 'router-replica', log });
  const presence = createPresence(nc);
  replica = { nc, presence, router: await startRouter({ nc, presence, log, config: gw.config }) };
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});

afterAll(async () => {
  await replica?.router.stop();
  await replica?.presence.stop();
  await replica?.nc.drain();
  await gw?.stop();
  await before?.stop();
  await after?.stop();
  await slow?.stop();
  await nats?.stop();
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${gw.url}/admin/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${MASTER}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** The deployment that answered one request for `model`. */
async function deploymentFor(model: string): Promise<string> {
  const { response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  return response.headers.get('x-switchyard-deployment') ?? 'none';
}

describe('routes changed at run time', () => {
  it('moves traffic under load to the new deployment within a second, failing no request', async () => {
    const answers: { at: number; deployment: string }[] = [];
    let loading = true;
    const load = Array.from({ length: 4 }, async () => {
      while (loading) answers.push({ at: Date.now(), deployment: await deploymentFor('live') });
    });
    await waitUntil(() => answers.length >= 20);
    const res = await admin('PUT', 'routes/live', { deployments: [{ provider: 'after', model: 'gpt-4o' }] });
    expect(res.status).toBe(200);
    const switchedAt = Date.now();
    await sleep(1_500); // the load goes on after the switch
    loading = false;
    await Promise.all(load); // a failed request would reject here

    expect(answers.filter((a) => a.deployment === 'before/gpt-4o').length).toBeGreaterThan(0);
    const late = answers.filter((a) => a.at > switchedAt + 1_000);
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(late.map((a) => a.deployment))).toEqual(new Set(['after/gpt-4o']));
  });

  it('is seen by both router replicas, and by a router started later', async () => {
    await gw.stopService('router');
    expect(await deploymentFor('live')).toBe('after/gpt-4o'); // only the replica is left
    await gw.startService('router');
    await replica.router.stop();
    expect(await deploymentFor('live')).toBe('after/gpt-4o'); // only the new router is left
    replica.router = await startRouter({
      nc: replica.nc,
      presence: replica.presence,
      log: createLogger({ name: 'replica', level: 'silent' }),
      config: gw.config,
    });
  });

  it('lists the routes in effect and adds an alias the models list shows', async () => {
    const put = await admin('PUT', 'routes/extra', {
      deployments: [{ provider: 'after', model: 'gpt-4o-mini' }],
    });
    expect(put.status).toBe(200);
    const view = (await (await admin('GET', 'routes')).json()) as {
      models: Record<string, { deployments: { provider: string }[] }>;
      changed: { models: string[] };
    };
    expect(view.models['live']?.deployments[0]?.provider).toBe('after');
    expect(view.models['other']?.deployments[0]?.provider).toBe('before');
    expect(view.changed.models.sort()).toEqual(['extra', 'live']);
    expect((await client.models.list()).data.map((m) => m.id)).toContain('extra');
    expect(await deploymentFor('extra')).toBe('after/gpt-4o-mini');
  });

  it('refuses a route naming an unknown provider or closing a fallback cycle, with the error', async () => {
    const unknown = await admin('PUT', 'routes/live', { deployments: [{ provider: 'nope', model: 'x' }] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('unknown provider "nope"') },
    });
    await admin('PUT', 'routes/other', {
      deployments: [{ provider: 'before', model: 'm' }],
      fallbacks: ['live'],
    });
    const cycle = await admin('PUT', 'routes/live', {
      deployments: [{ provider: 'after', model: 'gpt-4o' }],
      fallbacks: ['other'],
    });
    expect(cycle.status).toBe(400);
    expect(((await cycle.json()) as { error: { message: string } }).error.message).toMatch(/cycle/);
    const shape = await admin('PUT', 'routes/live', { deployments: [] });
    expect(shape.status).toBe(400);
    expect(await deploymentFor('live')).toBe('after/gpt-4o');
  });

  it('reverts an alias to the YAML on delete, and routing rules change the same way', async () => {
    await admin('DELETE', 'routes/other');
    expect((await admin('DELETE', 'routes/live')).status).toBe(200);
    expect(await deploymentFor('live')).toBe('before/gpt-4o');
    expect((await admin('DELETE', 'routes/live')).status).toBe(404);

    const rules = await admin('PUT', 'route-rules', {
      rules: [{ when: { model: 'live' }, route_to: 'extra' }],
    });
    expect(rules.status).toBe(200);
    expect(await deploymentFor('live')).toBe('after/gpt-4o-mini');
    const dangling = await admin('DELETE', 'routes/extra');
    expect(dangling.status).toBe(400);
    expect((await admin('DELETE', 'route-rules')).status).toBe(200);
    expect(await deploymentFor('live')).toBe('before/gpt-4o');
  });

  it('has the workers hold calls to a deployment whose max_concurrency changed at run time', async () => {
    /** Four calls at once to `limited`; how long until the last was answered. */
    const fourAtOnce = async (): Promise<number> => {
      const started = Date.now();
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() =>
          client.chat.completions.create({ model: 'limited', messages: [{ role: 'user', content: 'hi' }] }),
        ),
      );
      expect(answers.every((a) => a.choices[0]?.message.content)).toBe(true);
      return Date.now() - started;
    };
    const route = (maxConcurrency: number) =>
      admin('PUT', 'routes/limited', {
        deployments: [
          { provider: 'slow', model: 'gpt-4o', id: 'slow-limited', max_concurrency: maxConcurrency },
        ],
      });
    expect((await route(1)).status).toBe(200);
    // One at a time, 500 ms each: no sooner than 2 s.
    expect(await fourAtOnce()).toBeGreaterThanOrEqual(1_990);
    expect((await route(4)).status).toBe(200);
    // All four at once now: about 500 ms, a second under the limited run's least.
    expect(await fourAtOnce()).toBeLessThan(1_500);
  });
});
