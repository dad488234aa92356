import { connectBus, createPresence, type NatsConnection, type Presence } from '@switchyard/bus';
import { once } from '../infra/once.js';
import { silentLog } from './silent-log.js';

/** What one service process has on the bus: its own connection and its own presence. */
export interface BusProcess {
  nc: NatsConnection;
  presence: Presence;
  /** Withdraws every stage it announced, then closes the connection. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Connects to NATS as one process would. A test starts one for the service under test and one for
 * its own side (requester and fake stages), so presence crosses the bus as it does in production.
 */
export async function startBusProcess(natsUrl: string, name: string): Promise<BusProcess> {
  const nc = await connectBus({ url: natsUrl, name, log: silentLog });
  const presence = createPresence(nc);
  // Its subscriptions are live on return: announcements made from now on are not missed.
  await nc.flush();
  return {
    nc,
    presence,
    stop: once(async () => {
      await presence.stop();
      if (!nc.isClosed()) await nc.close();
    }),
  };
}
