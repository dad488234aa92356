import { randomBytes } from 'node:crypto';
import {
  connectBus,
  createPresence,
  flushEvents,
  startLocalDispatch,
  onShutdownSignal,
  redactUrl,
} from '@switchyard/bus';
import { loadConfig, type Env } from '@switchyard/config';
import type { Logger } from '@switchyard/log';
import { startOtel } from '@switchyard/otel';
import type { RunningService, StartService } from '@switchyard/runtime';
import { generateDevKey, startBanner } from './dev-key.js';
import { natsSearchDirs, startLocalNats, type LocalNats } from './local-nats.js';
import { SERVICES, type ServiceName } from './services.js';

/**
 * `npm start`: every service in one process on one NATS connection, against NATS_URL or a
 * nats-server started here. Stops in reverse order: the ingress first stops taking requests,
 * then each stage finishes what it holds.
 */
export async function runAll(env: Env, log: Logger, print: (text: string) => void): Promise<void> {
  // Traces are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the SDK stays off.
  const otel = startOtel({ serviceName: 'switchyard', env });
  let config = loadConfig(env);
  const generated = config.master_key === undefined;
  if (generated) config = { ...config, master_key: generateDevKey() };
  // Every service here shares this process, so a secret made up for the run signs and checks alike.
  if (config.policy.signing_secret === undefined)
    config = {
      ...config,
      policy: { ...config.policy, signing_secret: randomBytes(32).toString('base64url') },
    };

  let localNats: LocalNats | undefined;
  const natsUrl =
    env['NATS_URL'] ??
    (localNats = await startLocalNats({
      dataDir: '.switchyard/nats',
      searchDirs: natsSearchDirs(env['PATH']),
    })).url;
  const nc = await connectBus({
    url: natsUrl,
    name: 'switchyard',
    log,
    jetstreamReplicas: config.jetstream.replicas,
  });
  const events = config.server.local_dispatch
    ? await startLocalDispatch(nc, { url: natsUrl, name: 'switchyard', log })
    : undefined;
  const presence = createPresence(nc);

  const running: RunningService[] = [];
  let ingressUrl = '';
  for (const [name, start] of Object.entries(SERVICES)) {
    const service = await start({ nc, presence, config, log: log.child({ service: name }) });
    running.push(service);
    if (name === 'ingress' && 'url' in service && typeof service.url === 'string') ingressUrl = service.url;
  }
  print(startBanner({ url: ingressUrl, masterKey: config.master_key!, generated, nats: redactUrl(natsUrl) }));

  onShutdownSignal(async (signal) => {
    log.info({ signal }, 'stopping');
    for (const service of running.reverse()) await service.stop();
    await presence.stop();
    await nc.drain();
    // The last requests' events may still wait for the end of the loop's turn.
    if (events !== undefined) await flushEvents(nc);
    await events?.drain();
    await localNats?.stop();
    await otel.stop();
    log.info('stopped');
  });
}

/**
 * `switchyard ingress policy cache router`: the named services in one process on one NATS
 * connection (started in the usual order, stopped in reverse), e.g. an edge process per node
 * with the workers scaled on their own. With `server.local_dispatch` the stages of this process
 * hand requests to each other without a NATS round trip.
 */
export function startServices(names: readonly ServiceName[]): StartService {
  const ordered = (Object.keys(SERVICES) as ServiceName[]).filter((name) => names.includes(name));
  return async (deps) => {
    const running: RunningService[] = [];
    try {
      for (const name of ordered)
        running.push(await SERVICES[name]({ ...deps, log: deps.log.child({ service: name }) }));
    } catch (err) {
      for (const service of running.reverse()) await service.stop();
      throw err;
    }
    return {
      async stop() {
        for (const service of [...running].reverse()) await service.stop();
      },
    };
  };
}
