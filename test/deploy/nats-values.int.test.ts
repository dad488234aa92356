import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@switchyard/bus';
import { Ops, Subjects } from '@switchyard/contracts';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startAccountsServer, type AccountsServer } from '../nats-accounts-fixture.js';

// The NATS chart writes `config.merge` into nats.conf: maps and lists as they are, strings quoted,
// `<< x >>` unquoted. This renders the accounts the same way and runs a real nats-server on them,
// so the chart's accounts are shown to behave as deploy/nats/accounts.conf does
// (test/nats-accounts.int.test.ts).
const values = parseYaml(
  readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'k8s', 'nats', 'values.yaml'), 'utf8'),
) as { config: { merge: { accounts: unknown } }; container: { env: Record<string, unknown> } };

function toNatsConf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toNatsConf).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{\n${Object.entries(value)
      .map(([k, v]) => `${k}: ${toNatsConf(v)}`)
      .join('\n')}\n}`;
  const raw = typeof value === 'string' ? /^<< (.*) >>$/.exec(value)?.[1] : undefined;
  return raw ?? JSON.stringify(value);
}

let server: AccountsServer;
let service: NatsConnection;
let client: NatsConnection;

beforeAll(async () => {
  server = await startAccountsServer(`accounts: ${toNatsConf(values.config.merge.accounts)}`);
  ({ service, client } = server);
  service.subscribe(Subjects.entry(Ops.chatCompletions), { callback: (_e, msg) => msg.respond('admitted') });
  service.subscribe(Subjects.route, { callback: (_e, msg) => msg.respond('reached a stage') });
  await service.flush();
});

afterAll(async () => {
  await server?.stop();
});

describe('the NATS chart values (deploy/k8s/nats/values.yaml)', () => {
  it('give the server both passwords from the Switchyard Secret', () => {
    expect(Object.keys(values.container.env).sort()).toEqual([
      'SWITCHYARD_NATS_CLIENT_PASSWORD',
      'SWITCHYARD_NATS_SERVICE_PASSWORD',
    ]);
    for (const env of Object.values(values.container.env))
      expect(env).toMatchObject({ valueFrom: { secretKeyRef: { name: 'switchyard-secrets' } } });
  });

  it('let the services, logged in from NATS_URL, reach a stage', async () => {
    expect((await service.request(Subjects.route, '{}', { timeout: 5_000 })).string()).toBe(
      'reached a stage',
    );
  });

  it('let a client reach the entry subject, and no stage', async () => {
    expect(
      (await client.request(Subjects.entry(Ops.chatCompletions), '{}', { timeout: 5_000 })).string(),
    ).toBe('admitted');
    await expect(client.request(Subjects.route, '{}', { timeout: 5_000 })).rejects.toThrow(
      /permissions violation for publish/i,
    );
  });

  it('refuse a wrong password', async () => {
    await expect(connect({ servers: server.nats.url, user: 'switchyard', pass: 'wrong' })).rejects.toThrow(
      /authorization/i,
    );
  });
});
