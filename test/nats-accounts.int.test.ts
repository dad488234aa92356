import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectBus, type NatsConnection } from '@switchyard/bus';
import { Ops, Subjects } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVICE_PASSWORD = 'service-password-for-tests';
const CLIENT_PASSWORD = 'client-password-for-tests';
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

let nats: { url: string; stop(): Promise<void> };
/** Stands in for the services: answers the entry, and records whatever reaches the subjects clients must not. */
let service: NatsConnection;
let client: NatsConnection;
const reached: string[] = [];

beforeAll(async () => {
  const accounts = await readFile(join(import.meta.dirname, '..', 'deploy', 'nats', 'accounts.conf'), 'utf8');
  nats = await startNats({
    // Our own server with the shipped accounts; the passwords as variables, as the environment would give them.
    ignoreEnv: true,
    extraConfig: [
      `SWITCHYARD_NATS_SERVICE_PASSWORD: ${JSON.stringify(SERVICE_PASSWORD)}`,
      `SWITCHYARD_NATS_CLIENT_PASSWORD: ${JSON.stringify(CLIENT_PASSWORD)}`,
      accounts,
    ].join('\n'),
  });
  const port = new URL(nats.url).port;
  // Services take their credentials from NATS_URL, as deployed.
  service = await connectBus({
    url: `nats://switchyard:${SERVICE_PASSWORD}@127.0.0.1:${port}`,
    name: 'svc',
    log,
  });
  client = await connect({
    servers: nats.url,
    user: 'client',
    pass: CLIENT_PASSWORD,
    inboxPrefix: '_INBOX.client',
  });
  service.subscribe(Subjects.entry(Ops.chatCompletions), {
    queue: 'policy',
    callback: (_err, msg) => msg.respond('admitted by policy'),
  });
  for (const subject of [
    Subjects.validatedEntry(Ops.chatCompletions),
    Subjects.route,
    Subjects.admin.keys.list,
    Subjects.events.requestCompleted,
  ]) {
    service.subscribe(subject, { callback: (_err, msg) => reached.push(msg.subject) });
  }
  await service.flush();
});

afterAll(async () => {
  await client?.close();
  await service?.close();
  await nats?.stop();
});

describe('the NATS accounts in deploy/nats', () => {
  it('let a client publish to an entry subject and get the answer on its inbox', async () => {
    const answer = await client.request(Subjects.entry(Ops.chatCompletions), '{}', { timeout: 5_000 });
    expect(answer.string()).toBe('admitted by policy');
  });

  it.each([
    ['a stage', Subjects.route],
    ['the validated entry', Subjects.validatedEntry(Ops.chatCompletions)],
    ['an admin subject', Subjects.admin.keys.list],
    ['an event subject', Subjects.events.requestCompleted],
  ])('refuse a client publishing to %s with a permissions violation', async (_what, subject) => {
    await expect(client.request(subject, '{}', { timeout: 5_000 })).rejects.toThrow(
      /permissions violation for publish/i,
    );
    await client.flush();
    await service.flush();
    expect(reached).toEqual([]);
  });

  it('refuse a client listening to events or to other inboxes', async () => {
    for (const subject of [Subjects.events.all, '_INBOX.>']) {
      const sub = client.subscribe(subject);
      await expect(sub.closed).resolves.toMatchObject({
        message: expect.stringMatching(/permissions violation for subscription/i),
      });
    }
  });
});
