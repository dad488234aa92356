import { QueueGroups, Subjects } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createRequestCompleted, type EventHandler } from './handlers/request-completed.js';
import { startMetricsServer } from './http/metrics-server.js';
import { createRequestMetrics } from './request-metrics.js';

export interface TelemetryService extends RunningService {
  /** Where `/metrics` is served. */
  url: string;
}

/** Logs and metrics from events, off the request path. */
export async function startTelemetry({ nc, log, config }: ServiceDeps): Promise<TelemetryService> {
  const metrics = createRequestMetrics(config.models);

  // Events nobody handles yet (usage, health, …) are ignored: new kinds are additive.
  const byEvent = new Map<string, EventHandler>([
    [Subjects.events.requestCompleted, createRequestCompleted({ log, metrics })],
  ]);

  // Listen first: a taken port fails the start before anything else is opened.
  const server = await startMetricsServer({ ...config.telemetry, registry: metrics.registry });

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
  await nc.flush();
  log.info({ url: `${server.url}/metrics` }, 'serving Prometheus metrics');

  return {
    url: server.url,
    async stop() {
      await sub.drain().catch(() => undefined);
      await server.close();
      metrics.registry.clear();
    },
  };
}
