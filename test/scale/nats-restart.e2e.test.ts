import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
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
} from './stack.js';

// The NATS server restarted under load, at the same address with the same JetStream data, as a
// restarted pod or a server upgrade does it. The services reconnect on their own.
let nats: ServiceHandle;
let upstream: FakeOpenAI;
let ingressUrl: string;
let natsOptions: { port: number; storeDir: string; ignoreEnv: true };

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  natsOptions = {
    port: await freePort(),
    storeDir: mkdtempSync(join(tmpdir(), 'switchyard-nats-restart-')),
    ignoreEnv: true,
  };
  nats = await startNats(natsOptions);
  upstream = await startFakeOpenAI({ latencyMs: 200 });
  const env = { NATS_URL: nats.url, SWITCHYARD_CONFIG: writeConfig({ upstream: upstream.url }) };
  await Promise.all([...STAGES.map((s) => startStage(s, env)), startWorker(env)]);
  ingressUrl = (await startIngress(env))[1];
  await waitUntilServing(ingressUrl);
}, 180_000);

afterAll(async () => {
  await stopAll();
  await upstream?.stop();
  await nats?.stop();
});

describe('NATS restarted under load', () => {
  it('gives the requests caught in it clean errors, and serves again within seconds', async () => {
    const load = startLoad(12, () => ingressUrl);
    await new Promise((r) => setTimeout(r, 1_500));
    await nats.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_000));
    nats = await startNats(natsOptions);
    const upAt = Date.now();
    // Served again: the first request sent after the restart that succeeds.
    await expect
      .poll(() => load.answers.some((a) => a.startedAt > upAt && a.status === 200), { timeout: 15_000 })
      .toBe(true);
    const recoveredAt = Math.min(
      ...load.answers.filter((a) => a.startedAt > upAt && a.status === 200).map((a) => a.startedAt + a.ms),
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const answers = await load.stop();
    console.log(
      `NATS restart: down ${upAt - downAt} ms, serving again ${recoveredAt - upAt} ms after it was back; ` +
        `${answers.length} requests ${JSON.stringify(summarize(answers))}`,
    );

    expect(answers.filter((a) => a.hung || a.status === 0)).toEqual([]);
    for (const a of answers.filter((x) => x.status !== 200)) {
      // An OpenAI-shaped error (503 while the bus is away, 504 at the deadline), never a hang.
      expect([502, 503, 504]).toContain(a.status);
      expect(a.code).toBeDefined();
      expect(a.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    }
    expect(recoveredAt - upAt).toBeLessThan(10_000);
    // Once serving again, everything is served.
    expect(answers.filter((a) => a.startedAt > recoveredAt + 1_000).every((a) => a.status === 200)).toBe(
      true,
    );
  }, 180_000);
});
