import { connectBus, type NatsConnection } from '@switchyard/bus';
import { startNats, type ServiceHandle } from '@switchyard/testkit';
import { connect } from '@nats-io/transport-node';

const SERVICE_PASSWORD = 'service-password-for-tests';
const CLIENT_PASSWORD = 'client-password-for-tests';
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface AccountsServer {
  nats: ServiceHandle;
  /** Connected as the service user, with the credentials in NATS_URL, as services are deployed. */
  service: NatsConnection;
  /** Connected as the client user, with the inbox prefix the accounts require. */
  client: NatsConnection;
  stop(): Promise<void>;
}

/**
 * A nats-server of our own running `accounts` (NATS config text), the passwords given as
 * variables as the environment would give them, with one service and one client connection.
 */
export async function startAccountsServer(accounts: string): Promise<AccountsServer> {
  const nats = await startNats({
    ignoreEnv: true,
    extraConfig: [
      `SWITCHYARD_NATS_SERVICE_PASSWORD: ${JSON.stringify(SERVICE_PASSWORD)}`,
      `SWITCHYARD_NATS_CLIENT_PASSWORD: ${JSON.stringify(CLIENT_PASSWORD)}`,
      accounts,
    ].join('\n'),
  });
  const port = new URL(nats.url).port;
  const service = await connectBus({
    url: `nats://switchyard:${SERVICE_PASSWORD}@127.0.0.1:${port}`,
    name: 'svc',
    log,
  });
  const client = await connect({
    servers: nats.url,
    user: 'client',
    pass: CLIENT_PASSWORD,
    inboxPrefix: '_INBOX.client',
  });
  return {
    nats,
    service,
    client,
    async stop() {
      await client.close();
      await service.close();
      await nats.stop();
    },
  };
}
