import { flushEvents, serveAdmin, subscribeEvent, type Heartbeat } from '@switchyard/bus';
import { QueueGroups, Subjects } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { connectRedis, isReplicasRefused } from '@switchyard/store';
import { createRecordContent } from './content/record-content.js';
import { createRedactor } from './content/redact.js';
import { createStageLoad } from './domain/stage-load.js';
import { createAccountRequest } from './handlers/account-request.js';
import { createAttemptFailed, createStoreUnavailable } from './handlers/pipeline-events.js';
import { createRequestCompleted, type EventHandler } from './handlers/request-completed.js';
import { requestsQueryEndpoint } from './handlers/requests-query.js';
import { usageQueryEndpoint } from './handlers/usage-query.js';
import { startMetricsServer } from './http/metrics-server.js';
import { eventsRetention, startEventsConsumer, type EventsConsumer } from './jetstream/events-consumer.js';
import { startRequestLog, type RequestLog } from './request-log/request-log.js';
import { createRequestMetrics } from './request-metrics.js';
import { startStoredAliases, type StoredAliases } from './routes/stored-aliases.js';
import { createAppliedPruner } from './usage/applied-pruner.js';
import { createRedisUsageStore } from './usage/redis-usage-store.js';
import { createMemoryUsageStore } from './usage/usage-store.js';

export interface TelemetryService extends RunningService {
  /** Where `/metrics` is served. */
  url: string;
}

/**
 * Logs, metrics, usage roll-ups and the request log from events, off the request path. Metrics
 * and log lines follow the events live (core NATS); roll-ups come from the events stream through
 * a durable consumer, so none is lost or counted twice across restarts, and the request log is
 * read from that stream.
 */
export async function startTelemetry({ nc, log, config }: ServiceDeps): Promise<TelemetryService> {
  const stageLoad = createStageLoad();
  const metrics = createRequestMetrics(config.models, stageLoad);

  // Listen first: a taken port fails the start before anything else is opened.
  const { host, port } = config.telemetry;
  const server = await startMetricsServer({ host, port, registry: metrics.registry });

  // Before any event is counted: a request to an alias added at run time is labelled by its name.
  let storedAliases: StoredAliases | undefined;
  try {
    storedAliases = await startStoredAliases({
      nc,
      log,
      onAlias: metrics.modelLabel.addAlias,
      replicas: config.jetstream.replicas,
    });
  } catch (err) {
    // The first asset opened: a replica count NATS cannot keep is a mistake in the config, not an outage.
    if (isReplicasRefused(err)) {
      await server.close();
      throw err;
    }
    log.error({ err }, 'run-time model aliases unavailable: labelling by configured aliases only');
  }

  const usage =
    config.redis.url === undefined
      ? createMemoryUsageStore()
      : createRedisUsageStore(connectRedis({ url: config.redis.url, log, name: 'switchyard-telemetry' }));
  let accounting: EventsConsumer | undefined;
  try {
    accounting = await startEventsConsumer({
      nc,
      log,
      handle: createAccountRequest({ usage, modelLabel: metrics.modelLabel }),
      onAckFloor: createAppliedPruner({ usage }),
      retention: eventsRetention(config.telemetry.request_log),
      replicas: config.jetstream.replicas,
    });
  } catch (err) {
    log.error({ err }, 'usage roll-ups unavailable (is JetStream enabled on the NATS server?)');
  }
  // Read from the events stream: without it there is no request log either.
  let requestLog: RequestLog | undefined;
  if (config.telemetry.request_log.enabled && accounting !== undefined) {
    try {
      requestLog = await startRequestLog({
        nc,
        log,
        config: config.telemetry.request_log,
        replicas: config.jetstream.replicas,
        onDropped: metrics.requestLogDropped,
      });
    } catch (err) {
      // Metrics and logs matter more than the request log: run without it, loudly.
      log.error({ err }, 'request log unavailable');
    }
  }

  // Events nobody handles here (attempt.started, …) are ignored: new kinds are additive.
  const live = { log, metrics };
  const byEvent = new Map<string, EventHandler>([
    [Subjects.events.requestCompleted, createRequestCompleted(live)],
    [Subjects.events.attemptFailed, createAttemptFailed(live)],
    [Subjects.events.storeUnavailable, createStoreUnavailable(live)],
  ]);
  const recording = config.telemetry.request_log;
  if (requestLog !== undefined && recording.record_content) {
    byEvent.set(
      Subjects.events.requestContent,
      createRecordContent({
        log,
        redact: createRedactor(recording.redact),
        maxBytes: recording.max_content_bytes,
        store: (requestId, content) => requestLog.appendContent(requestId, content),
      }),
    );
  }
  // One subscription per handled kind, not `events.>`: an event nobody handles here (one
  // attempt.started per request) then costs this process no delivery at all.
  const eventSubs = [...byEvent].map(([subject, handle]) =>
    // Replicas share the events, each counting its share; Prometheus sums them.
    subscribeEvent(nc, { subject, queue: QueueGroups.telemetry, log, handle }),
  );
  // Every replica hears every heartbeat: each exports the whole pipeline's stage load.
  const presenceSub = nc.subscribe(Subjects.presence, {
    callback: (err, msg) => {
      if (err) return;
      try {
        stageLoad.heard(msg.json<Heartbeat>(), Date.now());
      } catch {
        // A malformed heartbeat from a foreign publisher is ignored.
      }
    },
  });
  const adminSubs = [
    serveAdmin(nc, log, requestsQueryEndpoint(requestLog)),
    serveAdmin(nc, log, usageQueryEndpoint(accounting === undefined ? undefined : usage)),
  ];
  await Promise.all([nc.flush(), flushEvents(nc)]);
  log.info({ url: `${server.url}/metrics` }, 'serving Prometheus metrics');

  return {
    url: server.url,
    async stop() {
      for (const sub of adminSubs) await sub.drain().catch(() => undefined);
      for (const sub of eventSubs) await sub.drain().catch(() => undefined);
      presenceSub.unsubscribe();
      await accounting?.stop();
      await storedAliases?.stop();
      await requestLog?.stop();
      await usage.close();
      await server.close();
      metrics.registry.clear();
    },
  };
}
