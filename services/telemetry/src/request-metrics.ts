import type { ModelConfig } from '@switchyard/config';
import {
  isErrorCode,
  type AttemptFailed,
  type RequestCompleted,
  type StoreUnavailable,
} from '@switchyard/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createModelLabel, type ExtensibleModelLabel } from './domain/model-label.js';
import type { StageLoad } from './domain/stage-load.js';

/** From a cached 5 ms answer to a two-minute generation. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** Label for requests refused before a provider was chosen. */
const NO_PROVIDER = 'none';

export interface RequestMetrics {
  /** Our own registry, not prom-client's global one: two services in one process must not clash. */
  registry: Registry;
  /** The bounded `model` label of a request (also the usage roll-ups' model); takes run-time aliases. */
  modelLabel: ExtensibleModelLabel;
  observe(event: RequestCompleted): void;
  /** An attempt failed and the request went back to the router for another deployment. */
  attemptFailed(event: AttemptFailed): void;
  storeUnavailable(event: StoreUnavailable): void;
  /** Counts a recorded request content the request log could not write. */
  requestLogDropped(reason: 'backlog' | 'error'): void;
}

/** An error code from outside the gateway's table would be an unbounded label value. */
const codeLabel = (code: string | undefined): string => (isErrorCode(code) ? code : 'other');

/**
 * Prometheus metrics of requests, fallbacks, store outages and stage load, plus the process's own
 * (CPU, memory, event loop). `stageLoad` is read at each scrape.
 */
export function createRequestMetrics(
  models: Readonly<Record<string, ModelConfig>>,
  stageLoad: StageLoad,
): RequestMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const modelLabel = createModelLabel(models);

  const requests = new Counter({
    name: 'switchyard_requests_total',
    help: 'Requests answered, by model alias, HTTP status and provider.',
    labelNames: ['model', 'status', 'provider'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'switchyard_request_duration_seconds',
    help: 'Time from receiving a request to its final answer.',
    labelNames: ['model', 'status'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers,
  });
  const timeToFirstToken = new Histogram({
    name: 'switchyard_time_to_first_token_seconds',
    help: 'Time to the first frame of a successful answer.',
    labelNames: ['model'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers,
  });
  // OpenTelemetry GenAI `gen_ai.client.token.usage`, named as Prometheus translates it. `input`
  // counts every prompt token; `cached` (read from the provider's prompt cache) and
  // `cache_creation` (written to it) are the parts of `input` billed differently.
  const tokens = new Counter({
    name: 'gen_ai_client_token_usage_total',
    help: 'Tokens used, by model alias and type (input, output, cached, cache_creation).',
    labelNames: ['model', 'type'] as const,
    registers,
  });

  const cost = new Counter({
    name: 'switchyard_cost_usd_total',
    help: 'What answered requests cost at list (or configured) prices, in USD, by model alias and provider.',
    labelNames: ['model', 'provider'] as const,
    registers,
  });

  const requestLogDropped = new Counter({
    name: 'switchyard_request_log_dropped_total',
    help: 'Recorded request contents the request log could not write, by reason (backlog, error).',
    labelNames: ['reason'] as const,
    registers,
  });

  const limited = new Counter({
    name: 'switchyard_requests_limited_total',
    help: 'Requests refused with 429, by model alias and error code (rate_limited, quota_exceeded, …).',
    labelNames: ['model', 'code'] as const,
    registers,
  });
  const cacheRequests = new Counter({
    name: 'switchyard_cache_requests_total',
    help: 'What the response cache did for requests, by model alias and result (hit, miss, bypass).',
    labelNames: ['model', 'result'] as const,
    registers,
  });
  const cacheSaved = new Counter({
    name: 'switchyard_cache_saved_usd_total',
    help: 'What cache hits would have cost upstream, in USD, by model alias.',
    labelNames: ['model'] as const,
    registers,
  });
  const fallbacks = new Counter({
    name: 'switchyard_fallbacks_total',
    help: 'Attempts that failed before the first byte and went to another deployment, by model alias, failed provider and error code.',
    labelNames: ['model', 'provider', 'code'] as const,
    registers,
  });
  const storeUnavailable = new Counter({
    name: 'switchyard_store_unavailable_total',
    help: 'Requests that met a store (Redis) unreachable, by service, store and what the service did (fail_open, fail_closed, bypass).',
    labelNames: ['service', 'store', 'action'] as const,
    registers,
  });
  new Gauge({
    name: 'switchyard_stage_pending_messages',
    help: 'Messages each stage has taken off NATS and not finished handling, summed over its instances (a provider stage: its calls in progress).',
    labelNames: ['stage'] as const,
    registers,
    collect() {
      this.reset();
      for (const [stage, n] of stageLoad.totals(Date.now())) this.set({ stage }, n);
    },
  });

  return {
    registry,
    modelLabel,
    attemptFailed(e) {
      fallbacks.inc({ model: modelLabel(e.model, 200), provider: e.provider, code: codeLabel(e.error_code) });
    },
    storeUnavailable: (e) =>
      storeUnavailable.inc({ service: e.service, store: e.store, action: e.action }, e.count),
    requestLogDropped: (reason) => requestLogDropped.inc({ reason }),
    observe(event) {
      const model = modelLabel(event.model, event.status);
      const status = String(event.status);
      requests.inc({ model, status, provider: event.provider ?? NO_PROVIDER });
      duration.observe({ model, status }, event.duration_ms / 1000);
      if (event.ttft_ms !== undefined && event.status < 400)
        timeToFirstToken.observe({ model }, event.ttft_ms / 1000);
      if (event.usage !== undefined) {
        tokens.inc({ model, type: 'input' }, event.usage.prompt_tokens);
        tokens.inc({ model, type: 'output' }, event.usage.completion_tokens);
        if (event.usage.cached_tokens !== undefined)
          tokens.inc({ model, type: 'cached' }, event.usage.cached_tokens);
        if (event.usage.cache_creation_tokens !== undefined)
          tokens.inc({ model, type: 'cache_creation' }, event.usage.cache_creation_tokens);
      }
      if (event.cost_usd !== undefined) {
        cost.inc({ model, provider: event.provider ?? NO_PROVIDER }, event.cost_usd);
      }
      if (event.status === 429) limited.inc({ model, code: codeLabel(event.error_code) });
      if (event.cache !== undefined) cacheRequests.inc({ model, result: event.cache });
      if (event.saved_usd !== undefined) cacheSaved.inc({ model }, event.saved_usd);
    },
  };
}
