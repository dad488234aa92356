import { connectBus, createPresence, onShutdownSignal, redactUrl } from '@switchyard/bus';
import { loadConfig, type Env } from '@switchyard/config';
import { createLogger } from '@switchyard/log';
import { startOtel } from '@switchyard/otel';
import type { StartService } from './deps.js';

export interface RunServiceOptions {
  /** `policy`, `worker.openai`, …: the logger's and the NATS connection's name. */
  name: string;
  env: Env;
  start: StartService;
}

/**
 * The body of every service's `main.ts`: config → logger → otel → bus → start, then a graceful
 * stop on SIGTERM/SIGINT (stop taking work, finish in-flight, drain the connection, flush spans).
 */
export async function runService({ name, env, start }: RunServiceOptions): Promise<void> {
  const log = createLogger({
    name,
    level: env['LOG_LEVEL'] ?? 'info',
    pretty: Boolean(process.stdout.isTTY),
  });
  // Traces are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the SDK stays off.
  const otel = startOtel({ serviceName: `switchyard-${name}`, env });
  try {
    const config = loadConfig(env);
    const url = env['NATS_URL'];
    if (!url)
      throw new Error('NATS_URL is not set: a service run on its own needs the address of the NATS server.');
    const nc = await connectBus({ url, name: `switchyard-${name}`, log });
    const presence = createPresence(nc);
    const service = await start({ nc, presence, log, config });
    log.info({ nats: redactUrl(url) }, `${name} started`);
    onShutdownSignal(async (signal) => {
      log.info({ signal }, `${name} stopping`);
      await service.stop();
      await presence.stop();
      await nc.drain();
      await otel.stop();
      log.info(`${name} stopped`);
    });
  } catch (err) {
    log.fatal({ err }, `${name} failed to start`);
    process.exitCode = 1;
    await otel.stop();
  }
}
