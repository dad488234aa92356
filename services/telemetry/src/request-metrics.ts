import type { ModelConfig } from '@switchyard/config';
import type { RequestCompleted } from '@switchyard/contracts';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createModelLabel } from './domain/model-label.js';

/** From a cached 5 ms answer to a two-minute generation. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** Label for requests refused before a provider was chosen. */
const NO_PROVIDER = 'none';

export interface RequestMetrics {
  /** Our own registry, not prom-client's global one: two services in one process must not clash. */
  registry: Registry;
  observe(event: RequestCompleted): void;
  /** Counts a request record the request log could not write. */
  requestLogDropped(reason: 'backlog' | 'error'): void;
}

/** Prometheus metrics of completed requests, plus the process's own (CPU, memory, event loop). */
export function createRequestMetrics(models: Readonly<Record<string, ModelConfig>>): RequestMetrics {
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
    help: 'Request records the request log could not write, by reason (backlog, error).',
    labelNames: ['reason'] as const,
    registers,
  });

  return {
    registry,
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
    },
  };
}
