import { Subjects, type AttemptFailed, type RequestCompleted } from '@switchyard/contracts';
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
const COOLDOWN_MS = 1_500;

let nats: ServiceHandle;
/** Every deployment on it fails, by the model it is asked for (`fail-500`, `fail-429`, …). */
let failing: FakeOpenAI;
let healthy: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;
const completed: RequestCompleted[] = [];
const failed: AttemptFailed[] = [];

beforeAll(async () => {
  nats = await startNats();
  failing = await startFakeOpenAI();
  healthy = await startFakeOpenAI();
  const bad = (model: string, id: string) => ({ provider: 'bad', model, id });
  const good = (id: string) => ({ provider: 'good', model: 'gpt-4o', id });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 15_000 },
    master_key: MASTER,
    providers: {
      bad: { type: 'openai-compatible', base_url: failing.url },
      good: { type: 'openai-compatible', base_url: healthy.url },
    },
    router: { max_attempts: 3, cooldown: { failures: 3, window_ms: 10_000, duration_ms: COOLDOWN_MS } },
    // Each test its own deployment ids, so one test's failures do not cool another's deployments.
    models: {
      flaky: { deployments: [bad('fail-500', 'flaky-bad'), good('flaky-good')] },
      limited: { deployments: [bad('fail-429', 'limited-bad'), good('limited-good')] },
      doomed: { deployments: [bad('fail-500', 'doomed-500'), bad('fail-503', 'doomed-503')] },
      throttled: { deployments: [bad('fail-429', 'throttled-429')] },
      cooled: { deployments: [bad('fail-500', 'cooled-bad'), good('cooled-good')] },
      primary: { deployments: [bad('fail-502', 'primary-bad')], fallbacks: ['secondary'] },
      secondary: { deployments: [good('secondary-good')] },
      quickest: {
        strategy: 'least-latency',
        deployments: [
          { provider: 'good', model: 'slow-150', id: 'quickest-slow' },
          { provider: 'good', model: 'gpt-4o', id: 'quickest-fast' },
        ],
      },
    },
  });
  gw.nc.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => void (err || completed.push(msg.json<RequestCompleted>())),
  });
  gw.nc.subscribe(Subjects.events.attemptFailed, {
    callback: (err, msg) => void (err || failed.push(msg.json<AttemptFailed>())),
  });
  await gw.nc.flush();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await failing?.stop();
  await healthy?.stop();
  await nats?.stop();
});

/** Calls `model`; resolves with the HTTP status and the request id the gateway answered with. */
async function call(model: string): Promise<{ status: number; id: string }> {
  try {
    const { response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    return { status: response.status, id: response.headers.get('x-request-id') ?? '' };
  } catch (err) {
    if (!(err instanceof OpenAI.APIError)) throw err;
    return { status: err.status ?? 0, id: err.headers?.get('x-request-id') ?? '' };
  }
}

async function eventOf(id: string): Promise<RequestCompleted> {
  await waitUntil(() => completed.some((e) => e.request_id === id));
  return completed.find((e) => e.request_id === id)!;
}

/** How many calls a fake saw for one upstream model, from `since` on. */
const callsTo = (fake: FakeOpenAI, model: string, since = 0): number =>
  fake.requests.slice(since).filter((r) => (r.body as { model?: string } | undefined)?.model === model)
    .length;

describe('fallback across deployments', () => {
  it('answers 200 from the healthy deployment after the first one fails with a 500', async () => {
    const before = { failing: failing.requests.length, healthy: healthy.requests.length };
    const { status, id } = await call('flaky');
    expect(status).toBe(200);
    expect(failing.requests.length - before.failing).toBe(1);
    expect(healthy.requests.length - before.healthy).toBe(1);
    const event = await eventOf(id);
    expect(event).toMatchObject({ status: 200, attempt: 2, deployment: 'flaky-good', model: 'flaky' });
    // One completion for the request; the failed attempt has its own event.
    expect(completed.filter((e) => e.request_id === id)).toHaveLength(1);
    expect(failed.filter((e) => e.request_id === id)).toEqual([
      expect.objectContaining({
        deployment: 'flaky-bad',
        status: 502,
        attempt: 1,
        error_code: 'upstream_error',
      }),
    ]);
  });

  it('falls back for a stream too, since no byte had gone out', async () => {
    const stream = await client.chat.completions.create({
      model: 'flaky',
      messages: [{ role: 'user', content: 'stream it' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('stream it');
  });

  it('moves past a 429 at once, without waiting for its Retry-After', async () => {
    const started = Date.now();
    const { status, id } = await call('limited');
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(900); // the fake says retry-after: 1
    expect((await eventOf(id)).attempt).toBe(2);
  });

  it('answers the last error when every deployment failed, one upstream call per allowed attempt', async () => {
    const since = failing.requests.length;
    const { status, id } = await call('doomed');
    expect(status).toBe(503);
    expect(callsTo(failing, 'fail-500', since) + callsTo(failing, 'fail-503', since)).toBe(3);
    expect(await eventOf(id)).toMatchObject({ status: 503, attempt: 3, error_code: 'unavailable' });
  });

  it('retries a lone deployment after its Retry-After, then answers its 429', async () => {
    const since = failing.requests.length;
    const started = Date.now();
    const { status, id } = await call('throttled');
    expect(status).toBe(429);
    expect(callsTo(failing, 'fail-429', since)).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // two waits of retry-after: 1
    expect((await eventOf(id)).attempt).toBe(3);
  });

  it('falls back to another alias once every deployment of the first failed', async () => {
    const { status, id } = await call('primary');
    expect(status).toBe(200);
    expect(await eventOf(id)).toMatchObject({ model: 'primary', deployment: 'secondary-good', attempt: 2 });
  });
});

describe('strategies', () => {
  it('least-latency measures each deployment once, then sends traffic to the faster one', async () => {
    const deployments: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { status, id } = await call('quickest');
      expect(status).toBe(200);
      deployments.push((await eventOf(id)).deployment ?? '');
    }
    expect(deployments).toEqual(['quickest-slow', ...Array(5).fill('quickest-fast')]);
  });
});

describe('cooldown', () => {
  it('takes a failing deployment out after repeated failures and probes it again after the duration', async () => {
    const since = failing.requests.length;
    for (let i = 0; i < 3; i++) expect((await call('cooled')).status).toBe(200);
    expect(callsTo(failing, 'fail-500', since)).toBe(3);

    // Cooling: the failing upstream sees no more calls, and answers come from the healthy one at once.
    for (let i = 0; i < 4; i++) {
      const { status, id } = await call('cooled');
      expect(status).toBe(200);
      expect((await eventOf(id)).attempt).toBe(1);
    }
    expect(callsTo(failing, 'fail-500', since)).toBe(3);

    // After the duration one request probes it; it fails again and is taken out again.
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100));
    const probe = await call('cooled');
    expect(probe.status).toBe(200);
    expect((await eventOf(probe.id)).attempt).toBe(2);
    expect(callsTo(failing, 'fail-500', since)).toBe(4);
    expect((await call('cooled')).status).toBe(200);
    expect(callsTo(failing, 'fail-500', since)).toBe(4);
  });
});
