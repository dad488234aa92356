import { connectBus, createPresence, startLocalDispatch, type NatsConnection } from '@switchyard/bus';
import { SERVICES, type ServiceName } from '@switchyard/cli';
import { parseConfig, type SwitchyardConfig } from '@switchyard/config';
import { createLogger } from '@switchyard/log';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';

export interface TestGateway {
  /** The ingress base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The telemetry service's base URL (serves /metrics). */
  metricsUrl: string;
  nc: NatsConnection;
  config: SwitchyardConfig;
  /** Stops one service (to test a pipeline with a stage missing) … */
  stopService(name: ServiceName): Promise<void>;
  /** … and starts it again. */
  startService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every service in this process, as `npm start` runs them, against the given NATS and config
 * (`only`: just these). Stages talk over NATS unless the document sets `server.local_dispatch`.
 */
export async function startGateway(
  natsUrl: string,
  document: Record<string, unknown>,
  only?: readonly ServiceName[],
): Promise<TestGateway> {
  const config = parseConfig({ server: { port: 0 }, telemetry: { port: 0 }, ...document });
  const log = createLogger({ name: 'e2e', level: process.env['E2E_LOG_LEVEL'] ?? 'silent' });
  const nc = await connectBus({ url: natsUrl, name: 'e2e-gateway', log });
  const events = config.server.local_dispatch
    ? await startLocalDispatch(nc, { url: natsUrl, name: 'e2e-gateway', log })
    : undefined;
  const presence = createPresence(nc);
  const deps: ServiceDeps = { nc, presence, log, config };
  const running = new Map<ServiceName, RunningService>();
  const urls = new Map<ServiceName, string>();

  const startService = async (name: ServiceName): Promise<void> => {
    const service = await SERVICES[name](deps);
    running.set(name, service);
    if ('url' in service && typeof service.url === 'string') urls.set(name, service.url);
  };
  for (const name of Object.keys(SERVICES) as ServiceName[])
    if (only === undefined || only.includes(name)) await startService(name);

  return {
    url: urls.get('ingress') ?? '',
    metricsUrl: urls.get('telemetry') ?? '',
    nc,
    config,
    startService,
    async stopService(name) {
      await running.get(name)?.stop();
      running.delete(name);
    },
    async stop() {
      for (const service of [...running.values()].reverse()) await service.stop();
      await presence.stop();
      await nc.drain();
      await events?.drain();
    },
  };
}
