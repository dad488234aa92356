import type { RequestCompleted, RequestLogQuery, RequestRecord } from '@switchyard/contracts';
import { statusMatches } from '@switchyard/contracts';

/**
 * The request log's record of a completed request: named fields only, so a field added to the
 * event later (a prompt, say) never reaches the log unless it is added here on purpose.
 */
export function toRequestRecord(e: RequestCompleted): RequestRecord {
  const record: RequestRecord = {
    request_id: e.request_id,
    op: e.op,
    stream: e.stream,
    status: e.status,
    received_at: e.received_at,
    duration_ms: e.duration_ms,
  };
  const optional: Partial<RequestRecord> = {
    trace_id: e.trace_id,
    model: e.model,
    key_id: e.key_id,
    team: e.team,
    provider: e.provider,
    deployment: e.deployment,
    upstream_model: e.upstream_model,
    error_code: e.error_code,
    ttft_ms: e.ttft_ms,
    usage: e.usage,
    cost_usd: e.cost_usd,
    attempts: e.attempt,
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (record as Record<string, unknown>)[k] = v;
  return record;
}

/** Whether a record passes every filter of a query. */
export function matchesQuery(r: RequestRecord, q: RequestLogQuery): boolean {
  return (
    (q.key_id === undefined || r.key_id === q.key_id) &&
    (q.team === undefined || r.team === q.team) &&
    (q.model === undefined || r.model === q.model) &&
    (q.status === undefined || statusMatches(r.status, q.status)) &&
    (q.since === undefined || r.received_at >= q.since) &&
    (q.until === undefined || r.received_at < q.until)
  );
}
