import { RequestCompleted } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { RequestLog } from '../request-log/request-log.js';
import { toRequestRecord } from '../request-log/to-record.js';
import type { RequestMetrics } from '../request-metrics.js';

export interface RequestCompletedDeps {
  log: Logger;
  metrics: RequestMetrics;
  /** Where the request's record goes; undefined when the request log is off. */
  requestLog?: RequestLog | undefined;
}

export type EventHandler = (data: Uint8Array) => void;

const decoder = new TextDecoder();

/**
 * One log line, the metrics and the request-log record of one finished request. A malformed
 * event is dropped with a warning: one bad publisher must not take the gateway's telemetry down.
 */
export function createRequestCompleted({ log, metrics, requestLog }: RequestCompletedDeps): EventHandler {
  return (data) => {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(data));
    } catch {
      log.warn({ bytes: data.byteLength }, 'dropped a request.completed event that is not JSON');
      return;
    }
    const parsed = RequestCompleted.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      log.warn(
        { path: issue?.path.join('.'), issue: issue?.message },
        'dropped a malformed request.completed event',
      );
      return;
    }
    const e = parsed.data;
    // Named fields only: an event carries no secret, and this keeps it that way if one is added.
    log.info(
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
        attempt: e.attempt,
        trace_id: e.trace_id,
      },
      'request completed',
    );
    metrics.observe(e);
    requestLog?.append(toRequestRecord(e));
  };
}
