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
} from './stack.js';

// Workers of one provider scale out: each worker process holds at most MAX_CONCURRENCY calls to
// an upstream that takes UPSTREAM_MS, so one worker serves at most MAX_CONCURRENCY / UPSTREAM_MS
// requests a second and more workers must serve more. Each worker calls its own fake upstream
// (the same provider `up`, its base URL differing per process), so its share can be counted.
const UPSTREAM_MS = 1_000;
const MAX_CONCURRENCY = 2;
const CLIENTS = 12;
/**
 * A request may queue behind its worker's calls for several seconds (the queue group does not
 * balance by load): this test is about throughput, so the deadline stays out of its way.
 */
const REQUEST_TIMEOUT_MS = 30_000;
const MEASURE_MS = 8_000;
let nats: ServiceHandle;
const upstreams: FakeOpenAI[] = [];
let ingressUrl: string;
/** Starts the third and fourth workers, idle until the second measurement. */
let startTwoMoreWorkers: () => Promise<unknown>;

/** Runs the load for MEASURE_MS and returns the answers per second and each upstream's share. */
async function measure(): Promise<{ perSecond: number; shares: number[]; counts: Record<string, number> }> {
  const before = upstreams.map((u) => u.requests.length);
  const load = startLoad(CLIENTS, () => ingressUrl);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const answers = await load.stop();
  const calls = upstreams.map((u, i) => u.requests.length - before[i]!);
  const total = calls.reduce((a, b) => a + b, 0);
  const ok = answers.filter((a) => a.status === 200);
  const span = Math.max(...ok.map((a) => a.startedAt + a.ms)) - Math.min(...ok.map((a) => a.startedAt));
  return {
    perSecond: (ok.length * 1000) / span,
    shares: calls.map((c) => c / total),
    counts: summarize(answers),
  };
}

beforeAll(async () => {
  nats = await startNats();
  for (let i = 0; i < 4; i++) upstreams.push(await startFakeOpenAI({ latencyMs: UPSTREAM_MS }));
  const configs = upstreams.map((u) =>
    writeConfig({ upstream: u.url, maxConcurrency: MAX_CONCURRENCY, requestTimeoutMs: REQUEST_TIMEOUT_MS }),
  );
  const env = (config: string): Record<string, string> => ({ NATS_URL: nats.url, SWITCHYARD_CONFIG: config });
  await Promise.all([
    ...STAGES.map((s) => startStage(s, env(configs[0]!))),
    startWorker(env(configs[0]!), 'worker-0'),
    startWorker(env(configs[1]!), 'worker-1'),
  ]);
  ingressUrl = (await startIngress(env(configs[0]!)))[1];
  await waitUntilServing(ingressUrl);
  startTwoMoreWorkers = () =>
    Promise.all([startWorker(env(configs[2]!), 'worker-2'), startWorker(env(configs[3]!), 'worker-3')]);
}, 180_000);

afterAll(async () => {
  await stopAll();
  await Promise.all(upstreams.map((u) => u.stop()));
  await nats?.stop();
});

describe('workers of one provider', () => {
  it('share the load, and four serve clearly more than two', async () => {
    const two = await measure();
    await startTwoMoreWorkers();
    // A new worker takes messages as soon as it has subscribed; give presence a beat to settle.
    await new Promise((r) => setTimeout(r, 1_000));
    const four = await measure();
    console.log(
      `scale-out: 2 workers ${two.perSecond.toFixed(1)} req/s ${JSON.stringify(two.counts)}, ` +
        `4 workers ${four.perSecond.toFixed(1)} req/s ${JSON.stringify(four.counts)}; ` +
        `shares ${four.shares.map((s) => s.toFixed(2)).join(' ')} (ceiling ${(MAX_CONCURRENCY * 1000) / UPSTREAM_MS} req/s per worker)`,
    );
    expect(Object.keys(two.counts)).toEqual(['200']);
    expect(Object.keys(four.counts)).toEqual(['200']);
    // Two workers: only the first two upstreams were called, about half each.
    expect(two.shares.slice(2)).toEqual([0, 0]);
    for (const share of two.shares.slice(0, 2)) expect(share).toBeGreaterThan(0.3);
    // Four workers: each takes a fair part (a quarter ideally; queue groups pick at random).
    for (const share of four.shares) expect(share).toBeGreaterThan(0.12);
    // Twice the workers, twice the ceiling: at least 1.4× the throughput (about 1.65× measured; the
    // window's first and last second are partly idle), with room for a busy machine.
    expect(four.perSecond).toBeGreaterThan(two.perSecond * 1.4);
    // And neither exceeds what its workers' concurrency allows.
    expect(two.perSecond).toBeLessThanOrEqual(((2 * MAX_CONCURRENCY * 1000) / UPSTREAM_MS) * 1.1);
  }, 180_000);
});
