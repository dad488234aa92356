import { serveAdmin } from '@switchyard/bus';
import { QueueGroups, Subjects } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createRequestCompleted, type EventHandler } from './handlers/request-completed.js';
import { requestsQueryEndpoint } from './handlers/requests-query.js';
import { startMetricsServer } from './http/metrics-server.js';
import { startRequestLog, type RequestLog } from './request-log/request-log.js';
import { createRequestMetrics } from './request-metrics.js';

export interface TelemetryService extends RunningService {
  /** Where `/metrics` is served. */
  url: string;
}

/** Logs, metrics and the request log from events, off the request path. */
export async function startTelemetry({ nc, log, config }: ServiceDeps): Promise<TelemetryService> {
  const metrics = createRequestMetrics(config.models);

  // Listen first: a taken port fails the start before anything else is opened.
  const { host, port } = config.telemetry;
  const server = await startMetricsServer({ host, port, registry: metrics.registry });

  let requestLog: RequestLog | undefined;
  if (config.telemetry.request_log.enabled) {
    try {
      requestLog = await startRequestLog({
        nc,
        log,
        config: config.telemetry.request_log,
        onDropped: metrics.requestLogDropped,
      });
    } catch (err) {
      // Metrics and logs matter more than the request log: run without it, loudly.
      log.error({ err }, 'request log unavailable (is JetStream enabled on the NATS server?)');
    }
  }

  // Events nobody handles yet (usage, health, …) are ignored: new kinds are additive.
  const byEvent = new Map<string, EventHandler>([
    [Subjects.events.requestCompleted, createRequestCompleted({ log, metrics, requestLog })],
  ]);

  const sub = nc.subscribe(Subjects.events.all, {
    // Replicas share the events, each counting its share; Prometheus sums them.
    queue: QueueGroups.telemetry,
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'event subscription error');
        return;
      }
      try {
        byEvent.get(msg.subject)?.(msg.data);
      } catch (cause) {
        log.error({ err: cause, subject: msg.subject }, 'event handler failed');
      }
    },
  });
  const querySub = serveAdmin(nc, log, requestsQueryEndpoint(requestLog));
  await nc.flush();
  log.info({ url: `${server.url}/metrics` }, 'serving Prometheus metrics');

  return {
    url: server.url,
    async stop() {
      await querySub.drain().catch(() => undefined);
      await sub.drain().catch(() => undefined);
      await requestLog?.stop();
      await server.close();
      metrics.registry.clear();
    },
  };
}
