import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NatsConnection } from '@switchyard/bus';
import { Ops, Subjects } from '@switchyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccountsServer, type AccountsServer } from './nats-accounts-fixture.js';

let server: AccountsServer;
/** Stands in for the services: answers the entry, and records whatever reaches the subjects clients must not. */
let service: NatsConnection;
let client: NatsConnection;
const reached: string[] = [];

beforeAll(async () => {
  const accounts = await readFile(join(import.meta.dirname, '..', 'deploy', 'nats', 'accounts.conf'), 'utf8');
  server = await startAccountsServer(accounts);
  ({ service, client } = server);
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
  await server?.stop();
});

describe('the NATS accounts in deploy/nats', () => {
  it('let a client publish to an entry subject and get the answer on its inbox', async () => {
    const answer = await client.request(Subjects.entry(Ops.chatCompletions), '{}', { timeout: 5_000 });
    expect(answer.string()).toBe('admitted by policy');
  });

  it('let a client cancel a request by its id', async () => {
    const cancelled = new Promise<string>((resolve) =>
      service.subscribe(Subjects.cancel, { max: 1, callback: (_err, msg) => resolve(msg.string()) }),
    );
    await service.flush();
    client.publish(Subjects.cancel, 'req-from-a-client');
    await client.flush();
    expect(await cancelled).toBe('req-from-a-client');
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
