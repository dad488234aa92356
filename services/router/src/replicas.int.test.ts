import {
  connectBus,
  createPresence,
  startStage,
  type NatsConnection,
  type Presence,
  type Stage,
} from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import {
  GatewayError,
  Headers,
  Ops,
  StageNames,
  Subjects,
  toOpenAIErrorBody,
  type AttemptFailed,
} from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import { sendRequest, startNats, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRouter } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });
const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const COOLDOWN_MS = 800;
const config = parseConfig({
  providers: { openai: upstream, azure: upstream },
  router: { max_attempts: 2, cooldown: { failures: 2, window_ms: 10_000, duration_ms: COOLDOWN_MS } },
  models: {
    shared: {
      deployments: [
        { provider: 'openai', model: 'm1', id: 'flaky' },
        { provider: 'azure', model: 'm2', id: 'steady' },
      ],
    },
    small: {
      deployments: [{ provider: 'openai', model: 'small-ctx', id: 'small' }],
      context_window_fallback: 'large',
    },
    large: { deployments: [{ provider: 'azure', model: 'large-ctx', id: 'large' }] },
  },
});

interface Bus {
  nc: NatsConnection;
  presence: Presence;
}

let nats: ServiceHandle;
const buses: Bus[] = [];
const routers: RunningService[] = [];
let test: Bus;
let workers: Stage[];
/** What the fake workers were sent: deployment, attempt and root of each message. */
const received: { deployment: string; attempt: string; root: string }[] = [];

async function bus(name: string): Promise<Bus> {
  const nc = await connectBus({ url: nats.url, name, log });
  const b = { nc, presence: createPresence(nc) };
  buses.push(b);
  return b;
}

/** A deployment that answers that the prompt is too long, as a worker sends that back to the router. */
const TOO_SMALL = 'small';

beforeAll(async () => {
  nats = await startNats();
  // Two router processes on one NATS, sharing the queue group as replicas do.
  for (const name of ['router-1', 'router-2'])
    routers.push(await startRouter({ ...(await bus(name)), log, config }));
  test = await bus('test');
  const fakeWorker = (provider: string) =>
    startStage({
      ...test,
      log,
      name: StageNames.provider(provider),
      queue: `fake-${provider}`,
      subjects: [Subjects.provider(provider)],
      handle: (req) => {
        const h = req.headers;
        const deployment = h.get(Headers.deployment);
        received.push({ deployment, attempt: h.get(Headers.attempt), root: h.get(Headers.routeRoot) });
        if (deployment !== TOO_SMALL) {
          req.reply.response(new TextEncoder().encode(JSON.stringify({ deployment })));
          return undefined;
        }
        // What a worker does with a prompt too long for its model, before any byte went out.
        const err = new GatewayError('invalid_request', 'Too many tokens.', {
          openaiCode: 'context_length_exceeded',
          param: 'messages',
        });
        h.set(Headers.attempt, String(Number(h.get(Headers.attempt)) + 1));
        h.set(Headers.excludedDeployments, deployment);
        h.set(Headers.lastErrorStatus, String(err.status));
        h.set(Headers.lastErrorCode, err.code);
        h.set(Headers.lastErrorBody, JSON.stringify(toOpenAIErrorBody(err)));
        return { forward: Subjects.route, stage: StageNames.router };
      },
    });
  workers = [await fakeWorker('openai'), await fakeWorker('azure')];
});

afterAll(async () => {
  for (const r of routers) await r.stop();
  for (const w of workers ?? []) await w.stop(0);
  for (const b of buses) {
    await b.presence.stop();
    await b.nc.close();
  }
  await nats?.stop();
});

beforeEach(() => {
  received.length = 0;
});

let seq = 0;
const send = async (model: string) => {
  const frames = await sendRequest(test.nc, Subjects.route, '{}', {
    [Headers.op]: Ops.chatCompletions,
    [Headers.model]: model,
    [Headers.requestId]: `req-${++seq}`,
    [Headers.receivedAt]: String(Date.now()),
  });
  return frames.at(-1)!;
};

/** Which deployments the fake workers were sent, in order, for `n` requests. */
async function deploymentsFor(model: string, n: number): Promise<string[]> {
  received.length = 0;
  for (let i = 0; i < n; i++) expect((await send(model)).kind).toBe('response');
  return received.map((r) => r.deployment);
}

/** Polls an async check: the events reach the replicas a moment after they are published. */
async function until(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two router replicas', () => {
  it('agree on a cooldown learned from attempt.failed events, and on its end', async () => {
    expect(await deploymentsFor('shared', 2)).toEqual(['flaky', 'flaky']);

    // Two workers report the deployment failing; every replica hears it.
    for (const attempt of [1, 2]) {
      const event: AttemptFailed = {
        request_id: `failed-${attempt}`,
        provider: 'openai',
        deployment: 'flaky',
        status: 502,
        error_code: 'upstream_error',
        attempt: 1,
      };
      test.nc.publish(Subjects.events.attemptFailed, JSON.stringify(event));
    }
    await test.nc.flush();
    // Requests spread over both replicas in their queue group; none goes to the cooling one.
    await until(async () => (await deploymentsFor('shared', 1))[0] === 'steady');
    expect(await deploymentsFor('shared', 20)).toEqual(Array(20).fill('steady'));

    // Once the cooldown is over, one request probes it; its success puts it back for everyone.
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    expect(await deploymentsFor('shared', 1)).toEqual(['flaky']);
    await until(async () => (await deploymentsFor('shared', 1))[0] === 'flaky');
    expect(await deploymentsFor('shared', 20)).toEqual(Array(20).fill('flaky'));
  });

  it('send a prompt too long for an alias to its context-window fallback', async () => {
    const frame = await send('small');
    expect(frame.kind).toBe('response');
    expect(JSON.parse(new TextDecoder().decode(frame.data))).toEqual({ deployment: 'large' });
    expect(received).toEqual([
      { deployment: 'small', attempt: '1', root: '' },
      { deployment: 'large', attempt: '2', root: 'large' },
    ]);
  });
});
