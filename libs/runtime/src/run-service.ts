import {
  connectBus,
  createPresence,
  flushEvents,
  startLocalDispatch,
  onShutdownSignal,
  redactUrl,
  watchConnection,
} from '@switchyard/bus';
import { loadConfig, type Env } from '@switchyard/config';
import { createLogger } from '@switchyard/log';
import { startOtel } from '@switchyard/otel';
import type { StartService } from './deps.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

type RunState = 'starting' | 'running' | 'stopping';
const NOT_READY: Record<Exclude<RunState, 'running'>, string> = {
  starting: 'Starting.',
  stopping: 'Shutting down.',
};

export interface RunServiceOptions {
  /** `policy`, `worker.openai`, …: the logger's and the NATS connection's name. */
  name: string;
  env: Env;
  start: StartService;
}

/**
 * The body of every service's `main.ts`: config → logger → otel → bus → start, then a graceful
 * stop on SIGTERM/SIGINT (stop taking work, finish in-flight, drain the connection, flush spans).
 * With `HEALTH_PORT` set, probes and process metrics are served there (`HEALTH_HOST`, default
 * 0.0.0.0, as a container's prober comes from outside).
 */
export async function runService({ name, env, start }: RunServiceOptions): Promise<void> {
  const log = createLogger({
    name,
    level: env['LOG_LEVEL'] ?? 'info',
    pretty: Boolean(process.stdout.isTTY),
  });
  // Traces are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the SDK stays off.
  const otel = startOtel({ serviceName: `switchyard-${name}`, env });
  let ops: OpsServer | undefined;
  try {
    const config = loadConfig(env);
    const url = env['NATS_URL'];
    if (!url)
      throw new Error('NATS_URL is not set: a service run on its own needs the address of the NATS server.');
    const nc = await connectBus({
      url,
      name: `switchyard-${name}`,
      log,
      jetstreamReplicas: config.jetstream.replicas,
    });
    const connection = watchConnection(nc);
    // Matters only when `start` runs several services (`switchyard ingress policy cache router`).
    const events = config.server.local_dispatch
      ? await startLocalDispatch(nc, { url, name: `switchyard-${name}`, log })
      : undefined;
    let state: RunState = 'starting';
    if (env['HEALTH_PORT']) {
      ops = await startOpsServer({
        host: env['HEALTH_HOST'] || '0.0.0.0',
        port: Number(env['HEALTH_PORT']),
        service: name,
        notReadyReason: () => {
          if (state !== 'running') return NOT_READY[state];
          return connection.isConnected() ? undefined : 'Not connected to NATS.';
        },
      });
      log.info({ url: ops.url }, 'serving /healthz, /readyz and /metrics');
    }
    const presence = createPresence(nc);
    const service = await start({ nc, presence, log, config });
    state = 'running';
    log.info({ nats: redactUrl(url) }, `${name} started`);
    onShutdownSignal(async (signal) => {
      log.info({ signal }, `${name} stopping`);
      state = 'stopping';
      await service.stop();
      await presence.stop();
      await nc.drain();
      // The last requests' events may still wait for the end of the loop's turn.
      if (events !== undefined) await flushEvents(nc);
      await events?.drain();
      connection.stop();
      await ops?.close();
      await otel.stop();
      log.info(`${name} stopped`);
    });
  } catch (err) {
    log.fatal({ err }, `${name} failed to start`);
    process.exitCode = 1;
    await ops?.close();
    await otel.stop();
  }
}
