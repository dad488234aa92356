// The load generator, always its own process so that its CPU is not the gateway's. It runs one
// measurement and prints a LoadResult as one JSON line:
//   open        a fixed request rate, independent of answers (requests queue if the target is slow)
//   closed      N connections, each sending its next request when the last answer is complete
//   stream      closed loop over SSE, timing the first content chunk and the gaps between chunks
//   autocannon  autocannon's closed loop (throughput; it reports latency in whole milliseconds only)
// Latencies here are µs-resolution HDR histograms, because the budgets are fractions of a millisecond.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { LatencyHistogram } from './histogram.js';
import type { LoadResult } from './types.js';

export interface LoadOptions {
  mode: 'open' | 'closed' | 'stream' | 'autocannon';
  url: string;
  headers: Record<string, string>;
  body: string;
  durationS: number;
  /** open: requests per second. */
  rate?: number;
  /** closed, stream, autocannon: concurrent connections; open: the most connections opened. */
  connections?: number;
  timeoutMs?: number;
}

interface Tally {
  ok: number;
  errors: number;
  timeouts: number;
  cacheHits: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function countFailure(tally: Tally, err: unknown): void {
  const { code, name } = err as { code?: string; name?: string };
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(code ?? '')) tally.timeouts++;
  else tally.errors++;
}

/**
 * In the open loop, requests may queue for a connection, and each one's whole life, queueing
 * included, is bounded by `timeoutMs`: a run against a target that cannot keep up ends soon after
 * its schedule does. Closed loops never queue; the pool's header and body timeouts bound them,
 * without a timer per request.
 */
function send(pool: Pool, path: string, options: LoadOptions) {
  const signal = options.mode === 'open' ? AbortSignal.timeout(options.timeoutMs ?? 10_000) : undefined;
  return pool.request({ path, method: 'POST', headers: options.headers, body: options.body, signal });
}

function poolFor(options: LoadOptions, connections: number): { pool: Pool; path: string } {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 10_000;
  return {
    pool: new Pool(url.origin, { connections, headersTimeout: timeout, bodyTimeout: timeout }),
    path: url.pathname + url.search,
  };
}

/** One non-streaming request; resolves once its whole body has arrived. */
async function request(
  pool: Pool,
  path: string,
  options: LoadOptions,
  tally: Tally,
  latency: LatencyHistogram,
) {
  const t0 = performance.now();
  try {
    const res = await send(pool, path, options);
    await res.body.arrayBuffer();
    if (res.statusCode >= 200 && res.statusCode < 300) {
      latency.recordMs(performance.now() - t0);
      tally.ok++;
      if (res.headers['x-switchyard-cache'] === 'HIT') tally.cacheHits++;
    } else tally.errors++;
  } catch (err) {
    countFailure(tally, err);
  }
}

const tallyOf = (): Tally => ({ ok: 0, errors: 0, timeouts: 0, cacheHits: 0 });

/** A result before the generator's own CPU time is added to it. */
type Measured = Omit<LoadResult, 'cpuUs'>;

function result(
  tally: Tally,
  elapsedMs: number,
  latency: LatencyHistogram,
  extra: Partial<LoadResult> = {},
): Measured {
  const durationS = elapsedMs / 1000;
  return {
    ok: tally.ok,
    errors: tally.errors,
    timeouts: tally.timeouts,
    durationS,
    rps: tally.ok / durationS,
    latencyMs: latency.percentilesMs(),
    cacheHits: tally.cacheHits,
    ...extra,
  };
}

async function openLoop(options: LoadOptions): Promise<Measured> {
  const rate = options.rate ?? 100;
  const { pool, path } = poolFor(options, options.connections ?? 256);
  const tally = tallyOf();
  const latency = new LatencyHistogram();
  const lag = new LatencyHistogram();
  const total = Math.round(rate * options.durationS);
  const intervalMs = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  // Sends whatever the schedule says is due, then sleeps until the next one is. Latency is taken
  // from the actual send; `lag` shows how far the generator fell behind its schedule (if it is
  // large, the machine could not keep the rate and the run measures less than it claims).
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      for (; sent < due; sent++) {
        lag.recordMs(now - (start + sent * intervalMs));
        const pending = request(pool, path, options, tally, latency).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  return result(tally, performance.now() - start, latency, { lagMs: lag.percentilesMs() });
}

async function closedLoop(options: LoadOptions, one: (pool: Pool, path: string) => Promise<void>) {
  const connections = options.connections ?? 1;
  const { pool, path } = poolFor(options, connections);
  const start = performance.now();
  const end = start + options.durationS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await one(pool, path);
    }),
  );
  return performance.now() - start;
}

async function closed(options: LoadOptions): Promise<Measured> {
  const tally = tallyOf();
  const latency = new LatencyHistogram();
  const elapsed = await closedLoop(options, (pool, path) => request(pool, path, options, tally, latency));
  return result(tally, elapsed, latency);
}

// A content delta with at least one character: the first token, not an empty role chunk.
const CONTENT = /"content":"[^"]/;

async function stream(options: LoadOptions): Promise<Measured> {
  const tally = tallyOf();
  const latency = new LatencyHistogram();
  const ttft = new LatencyHistogram();
  const gap = new LatencyHistogram();
  const one = async (pool: Pool, path: string) => {
    const t0 = performance.now();
    try {
      const res = await send(pool, path, options);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.arrayBuffer();
        tally.errors++;
        return;
      }
      let first = 0;
      let last = 0;
      let tail = '';
      for await (const part of res.body) {
        const now = performance.now();
        const text = (part as Buffer).toString();
        if (first === 0 && CONTENT.test(text)) {
          first = now;
          ttft.recordMs(now - t0);
        } else if (first !== 0) gap.recordMs(now - last);
        last = now;
        tail = (tail + text).slice(-64);
      }
      // A stream that ends without [DONE] was cut off.
      if (first !== 0 && tail.includes('[DONE]')) {
        latency.recordMs(performance.now() - t0);
        tally.ok++;
      } else tally.errors++;
    } catch (err) {
      countFailure(tally, err);
    }
  };
  const elapsed = await closedLoop(options, one);
  return result(tally, elapsed, latency, { ttftMs: ttft.percentilesMs(), gapMs: gap.percentilesMs() });
}

interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}

async function withAutocannon(options: LoadOptions): Promise<Measured> {
  const autocannon = createRequire(import.meta.url)('autocannon') as (
    opts: object,
  ) => Promise<AutocannonResult>;
  const r = await autocannon({
    url: options.url,
    method: 'POST',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 64,
    duration: options.durationS,
    timeout: (options.timeoutMs ?? 10_000) / 1000,
  });
  return {
    ok: r['2xx'],
    errors: r.non2xx + r.errors - r.timeouts,
    timeouts: r.timeouts,
    durationS: r.duration,
    rps: r['2xx'] / r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
  };
}

const RUNNERS = { open: openLoop, closed, stream, autocannon: withAutocannon };

/** Runs one measurement; `cpuUs` is the generator's own CPU during it, its start-up excluded. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const before = process.cpuUsage();
  const measured = await RUNNERS[options.mode](options);
  const used = process.cpuUsage(before);
  return { ...measured, cpuUs: used.user + used.system };
}

if (process.argv[1] === import.meta.filename) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  runLoad(options).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
