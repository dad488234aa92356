import type { LoadOptions } from './loadgen.js';

/** What a scenario sends: a plain chat completion, a streamed one, or one the cache may answer. */
export type RequestKind = 'chat' | 'stream' | 'cached';

export interface Scenario {
  id: string;
  title: string;
  /** What the scenario tells the reader. */
  measures: string;
  mode: LoadOptions['mode'];
  connections?: number;
  rate?: number;
  request: RequestKind;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'throughput-64',
    title: 'Throughput, 64 connections',
    measures: 'the most requests/s each target sustains (autocannon, closed loop)',
    mode: 'autocannon',
    connections: 64,
    request: 'chat',
  },
  {
    id: 'open-500',
    title: 'Open loop, 500 req/s',
    measures: 'latency at a moderate fixed rate, independent of answers',
    mode: 'open',
    rate: 500,
    request: 'chat',
  },
  {
    id: 'open-2000',
    title: 'Open loop, 2,000 req/s',
    measures: 'latency and errors at a high fixed rate (where single-process gateways collapse)',
    mode: 'open',
    rate: 2000,
    request: 'chat',
  },
  {
    id: 'stream-16',
    title: 'Streaming, 16 connections',
    measures: 'streams/s, time to first token and the gap between chunks',
    mode: 'stream',
    connections: 16,
    request: 'stream',
  },
  {
    id: 'cache-500',
    title: 'Cache hits, 500 req/s',
    measures: 'an identical deterministic request, answered from the cache by Switchyard',
    mode: 'open',
    rate: 500,
    request: 'cached',
  },
  {
    id: 'sequential',
    title: 'Sequential (concurrency 1)',
    measures: 'pure added latency: one request at a time, nothing queues',
    mode: 'closed',
    connections: 1,
    request: 'chat',
  },
];

/** Model aliases in the bench's Switchyard config: the cache is on only for the cached one. */
export const MODEL = 'bench';
export const CACHED_MODEL = 'bench-cached';

export function requestBody(kind: RequestKind): string {
  const messages = [{ role: 'user', content: 'Say hello to the benchmark.' }];
  if (kind === 'stream') return JSON.stringify({ model: MODEL, messages, stream: true });
  // temperature 0: only deterministic requests are cached.
  if (kind === 'cached') return JSON.stringify({ model: CACHED_MODEL, messages, temperature: 0 });
  return JSON.stringify({ model: MODEL, messages });
}
