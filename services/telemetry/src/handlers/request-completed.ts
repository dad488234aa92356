import { RequestCompleted } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { RequestMetrics } from '../request-metrics.js';
import { parseEvent } from '@switchyard/bus';

export interface LiveEventDeps {
  log: Logger;
  metrics: RequestMetrics;
}

export type EventHandler = (data: Uint8Array) => void;

/** One log line and the metrics of one finished request, as the event arrives. */
export function createRequestCompleted({ log, metrics }: LiveEventDeps): EventHandler {
  // The line holds named fields only, none a secret: skipping the logger's redaction paths makes
  // it about 4× cheaper (12 vs 46 µs a line measured), the largest cost per request here.
  const lines = log.child({}, { redact: [] });
  return (data) => {
    const e = parseEvent(RequestCompleted, 'request.completed', data, log);
    if (e === undefined) return;
    // Named fields only: an event carries no secret, and this keeps it that way if one is added.
    lines.info(
      {
        request_id: e.request_id,
        op: e.op,
        model: e.model,
        key_id: e.key_id,
        team: e.team,
        provider: e.provider,
        deployment: e.deployment,
        upstream_model: e.upstream_model,
        stream: e.stream,
        status: e.status,
        error_code: e.error_code,
        duration_ms: e.duration_ms,
        ttft_ms: e.ttft_ms,
        prompt_tokens: e.usage?.prompt_tokens,
        completion_tokens: e.usage?.completion_tokens,
        cached_tokens: e.usage?.cached_tokens,
        cost_usd: e.cost_usd,
        cache: e.cache,
        saved_usd: e.saved_usd,
        attempt: e.attempt,
        trace_id: e.trace_id,
      },
      'request completed',
    );
    metrics.observe(e);
  };
}
