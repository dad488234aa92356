import { Subjects } from '@switchyard/contracts';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REQUEST_TIMEOUT_MS,
  STAGES,
  startIngress,
  startLoad,
  startStage,
  startWorker,
  stopAll,
  summarize,
  waitUntilServing,
  writeConfig,
  type Proc,
} from './stack.js';

// kill -9 of a worker under load. The requests it held are lost with it (core NATS delivered
// them to that process only, and nothing upstream of it can know how far it got), so each gets
// a clean 504 at its deadline; every other request is served by the surviving worker.
const CLIENTS = 16;
let nats: ServiceHandle;
let upstream: FakeOpenAI;
let ingressUrl: string;
let workers: Proc[];
let observer: NatsConnection;
/** request id → completion events seen: a request answered twice would show two. */
const completions = new Map<string, number>();

beforeAll(async () => {
  nats = await startNats();
  upstream = await startFakeOpenAI({ latencyMs: 300 });
  const env = { NATS_URL: nats.url, SWITCHYARD_CONFIG: writeConfig({ upstream: upstream.url }) };
  const started = await Promise.all([
    ...STAGES.map((s) => startStage(s, env)),
    startWorker(env, 'worker-a'),
    startWorker(env, 'worker-b'),
  ]);
  workers = started.slice(STAGES.length);
  ingressUrl = (await startIngress(env))[1];
  observer = await connect({ servers: nats.url });
  observer.subscribe(Subjects.events.requestCompleted, {
    callback: (_err, msg) => {
      const id = (msg.json() as { request_id: string }).request_id;
      completions.set(id, (completions.get(id) ?? 0) + 1);
    },
  });
  await waitUntilServing(ingressUrl);
}, 180_000);

afterAll(async () => {
  await observer?.close();
  await stopAll();
  await upstream?.stop();
  await nats?.stop();
});

describe('kill -9 of a worker under load', () => {
  it('answers every request exactly once: by the other worker, or a clean 504 at its deadline', async () => {
    const load = startLoad(CLIENTS, () => ingressUrl);
    await new Promise((r) => setTimeout(r, 1_500));
    const killedAt = Date.now();
    await workers[0]!.kill();
    await new Promise((r) => setTimeout(r, 3_000));
    const answers = await load.stop();
    await observer.flush();
    console.log(`worker kill -9: ${answers.length} requests ${JSON.stringify(summarize(answers))}`);

    expect(answers.filter((a) => a.hung || a.status === 0)).toEqual([]);
    const failed = answers.filter((a) => a.status !== 200);
    // Only what the dead worker held fails, and cleanly: a timeout in OpenAI's shape, at the deadline.
    // (Until the NATS server has seen the dead connection close, it may still hand it a message.)
    expect(failed.length).toBeLessThanOrEqual(CLIENTS);
    for (const a of failed) {
      expect(a.status).toBe(504);
      expect(a.code).toBeDefined();
      expect(a.startedAt).toBeLessThan(killedAt + 500);
      expect(a.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    }
    // Everything sent once the kill was noticed is served by the survivor.
    const after = answers.filter((a) => a.startedAt > killedAt + 500);
    expect(after.length).toBeGreaterThan(CLIENTS);
    expect(after.every((a) => a.status === 200)).toBe(true);
    // No request was answered twice.
    const ids = answers.map((a) => a.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...completions.values()].filter((n) => n > 1)).toEqual([]);
  }, 180_000);
});
