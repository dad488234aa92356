import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  type StageService,
} from './stack.js';

// A rolling restart as Kubernetes does it (maxSurge 1, maxUnavailable 0): for each service in
// turn, a new replica starts, and once it is up the old one gets SIGTERM and must finish what it
// holds. For the ingress, the client plays the load balancer: new requests go to the new ingress
// once it is ready, and the old one is stopped a moment later (the preStop delay), finishing the
// requests it is still answering.
let nats: ServiceHandle;
let upstream: FakeOpenAI;
let env: Record<string, string>;
const running = new Map<string, Proc>();
let ingress: [Proc, string];

beforeAll(async () => {
  nats = await startNats();
  upstream = await startFakeOpenAI({ latencyMs: 200 });
  env = { NATS_URL: nats.url, SWITCHYARD_CONFIG: writeConfig({ upstream: upstream.url }) };
  const stages = await Promise.all(STAGES.map((s) => startStage(s, env)));
  STAGES.forEach((s, i) => running.set(s, stages[i]!));
  await startWorker(env);
  ingress = await startIngress(env, 'ingress-1');
  await waitUntilServing(ingress[1]);
}, 180_000);

afterAll(async () => {
  await stopAll();
  await upstream?.stop();
  await nats?.stop();
});

describe('a rolling restart of every service under load', () => {
  it('fails no request', async () => {
    const load = startLoad(12, () => ingress[1]);
    const order: StageService[] = ['policy', 'cache', 'router', 'telemetry'];
    const exitCodes: (number | null)[] = [];
    for (const [i, name] of order.entries()) {
      const replacement = await startStage(name, env, `${name}-2`);
      // The new replica announces itself with its first presence beat; then the old one may go.
      await new Promise((r) => setTimeout(r, 500));
      exitCodes.push(await running.get(name)!.stop());
      running.set(name, replacement);
      expect(
        load.answers.length,
        `requests served before restarting ${order[i + 1] ?? 'the ingress'}`,
      ).toBeGreaterThan(0);
    }
    const next = await startIngress(env, 'ingress-2');
    await waitUntilServing(next[1]);
    const old = ingress;
    ingress = next;
    await new Promise((r) => setTimeout(r, 300));
    exitCodes.push(await old[0].stop());
    await new Promise((r) => setTimeout(r, 1_000));
    const answers = await load.stop();
    console.log(`rolling restart: ${answers.length} requests ${JSON.stringify(summarize(answers))}`);

    expect(exitCodes).toEqual([0, 0, 0, 0, 0]);
    expect(summarize(answers)).toEqual({ '200': answers.length });
    // Both ingresses answered: the old one up to its stop, the new one after.
    expect(new Set(answers.map((a) => a.ingress)).size).toBe(2);
  }, 180_000);
});
