import { readFileSync } from 'node:fs';
import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { createStageLoad } from './domain/stage-load.js';
import { createRequestMetrics } from './request-metrics.js';

const deploy = new URL('../../../deploy/', import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL('grafana/dashboards/switchyard.json', deploy), 'utf8')) as {
  panels: { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
};
const datasourceUid = /uid:\s*(\S+)/.exec(
  readFileSync(new URL('grafana/provisioning/datasources/prometheus.yml', deploy), 'utf8'),
)?.[1];

/** Every series name a query reads (ours are prefixed; PromQL functions and labels are not). */
const metricNames = (expr: string): string[] => [
  ...new Set(expr.match(/\b(?:switchyard|gen_ai)_[a-z0-9_]+\b/g) ?? []),
];

/** What telemetry exports after one of every kind of event. */
async function exported(): Promise<string> {
  const config = parseConfig({
    providers: { openai: { type: 'openai-compatible', base_url: 'https://example.test/v1' } },
    models: { 'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] } },
  });
  const stageLoad = createStageLoad();
  const metrics = createRequestMetrics(config.models, stageLoad);
  const base = { op: 'chat.completions', model: 'gpt-4o', stream: false, received_at: 0, duration_ms: 20 };
  metrics.observe({
    ...base,
    request_id: 'ok',
    provider: 'openai',
    status: 200,
    ttft_ms: 10,
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    cost_usd: 0.001,
    cache: 'hit',
    saved_usd: 0.001,
  });
  metrics.observe({ ...base, request_id: 'limited', status: 429, error_code: 'rate_limited' });
  metrics.attemptFailed({
    request_id: 'f',
    provider: 'openai',
    deployment: 'openai/gpt-4o',
    status: 503,
    error_code: 'unavailable',
    attempt: 1,
  });
  metrics.storeUnavailable({ service: 'policy', store: 'redis', action: 'fail_open', count: 1, at: 0 });
  metrics.requestLogDropped('error');
  stageLoad.heard({ instance: 'i', stages: ['provider.openai'], load: { 'provider.openai': 1 } }, Date.now());
  return metrics.registry.metrics();
}

describe('the Grafana dashboard', () => {
  const queries = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );

  it('has queries, each on the provisioned Prometheus datasource', () => {
    expect(queries.length).toBeGreaterThan(10);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(panel.datasource?.uid, panel.title).toBe(datasourceUid);
  });

  it('reads only metrics the telemetry service exports, so renaming one breaks this test', async () => {
    const text = await exported();
    const series = new Set(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => /^[\w:]+/.exec(l)![0]),
    );
    const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
    expect(used.size).toBeGreaterThan(8);
    for (const { panel, expr } of queries)
      for (const name of metricNames(expr)) expect(series.has(name), `${panel}: ${name}`).toBe(true);
  });
});
