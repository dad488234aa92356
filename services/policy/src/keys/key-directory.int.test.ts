import { callAdmin, connectBus, type NatsConnection } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Subjects, isGatewayError, type GatewayError } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { startNats, waitUntil } from '@switchyard/testkit';
import type { Subscription } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveKeyAdmin } from './key-admin.js';
import { startKeyDirectory, type KeyDirectory } from './key-directory.js';

const log = createLogger({ name: 'test', level: 'silent' });
const config = parseConfig({
  master_key: 'sk-master-0000',
  keys: [{ id: 'from-config', key: 'sk-config-1111', team: 'platform' }],
  teams: [{ id: 'platform', limits: { rpm: 600 } }],
});

let nats: { url: string; stop(): Promise<void> };
let ncA: NatsConnection;
let ncB: NatsConnection;
let client: NatsConnection;
/** Two policy replicas on one NATS; only A answers admin calls, so B learns of changes from the bucket. */
let a: KeyDirectory;
let b: KeyDirectory;
let adminSubs: Subscription[];

beforeAll(async () => {
  nats = await startNats();
  [ncA, ncB, client] = await Promise.all(
    ['replica-a', 'replica-b', 'admin-client'].map((name) => connectBus({ url: nats.url, name, log })),
  );
  a = await startKeyDirectory({ nc: ncA!, config, log });
  b = await startKeyDirectory({ nc: ncB!, config, log });
  adminSubs = serveKeyAdmin(ncA!, log, a);
  await ncA!.flush();
});

afterAll(async () => {
  adminSubs?.forEach((s) => s.unsubscribe());
  await a?.stop();
  await b?.stop();
  await Promise.all([ncA, ncB, client].map((nc) => nc?.close()));
  await nats?.stop();
});

let ids = 0;
const uniqueId = (name: string) => `${name}-${Date.now().toString(36)}-${ids++}`;

async function admin(
  subject: string,
  input: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await callAdmin(client, subject, input, { service: 'policy' });
  return { status: reply.status, body: JSON.parse(reply.body) as Record<string, unknown> };
}

async function adminError(subject: string, input: unknown): Promise<GatewayError> {
  try {
    await callAdmin(client, subject, input, { service: 'policy' });
  } catch (err) {
    if (isGatewayError(err)) return err;
    throw err;
  }
  throw new Error('expected the admin call to fail');
}

const accepts = (directory: KeyDirectory, secret: string): boolean => {
  try {
    directory.authenticate(`Bearer ${secret}`);
    return true;
  } catch {
    return false;
  }
};

describe('keys in the bucket, across replicas', () => {
  it('creates a key whose secret is shown once, works at once here and within a second on the other replica', async () => {
    const id = uniqueId('app');
    const { status, body } = await admin(Subjects.admin.keys.create, {
      id,
      team: 'platform',
      models: ['gpt-4o*'],
      limits: { rpm: 60 },
      budget: { max_usd: 10 },
      metadata: { owner: 'search' },
    });
    expect(status).toBe(201);
    const secret = body['key'] as string;
    expect(secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{40,}$/);
    expect(body).toMatchObject({ object: 'key', id, team: 'platform', models: ['gpt-4o*'], source: 'api' });
    expect(body).not.toHaveProperty('key_hash');

    const here = a.authenticate(`Bearer ${secret}`);
    expect(here).toMatchObject({
      keyId: id,
      team: 'platform',
      limits: { rpm: 60 },
      budget: { max_usd: 10, period: 'monthly' },
      teamLimits: { rpm: 600 },
    });
    await waitUntil(() => accepts(b, secret), { timeoutMs: 1_000 });

    // Neither a listing nor a get shows the secret or its hash.
    const listed = JSON.stringify((await admin(Subjects.admin.keys.list, {})).body);
    const got = JSON.stringify((await admin(Subjects.admin.keys.get, { id })).body);
    for (const text of [listed, got]) {
      expect(text).toContain(id);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('key_hash');
    }
  });

  it('revokes a key through one replica and the other refuses it within a second', async () => {
    const id = uniqueId('revoked');
    const secret = (await admin(Subjects.admin.keys.create, { id })).body['key'] as string;
    await waitUntil(() => accepts(b, secret), { timeoutMs: 1_000 });

    expect((await admin(Subjects.admin.keys.revoke, { id })).body).toEqual({
      object: 'key',
      id,
      deleted: true,
    });
    expect(accepts(a, secret)).toBe(false);
    await waitUntil(() => !accepts(b, secret), { timeoutMs: 1_000 });
    expect((await adminError(Subjects.admin.keys.get, { id })).status).toBe(404);
  });

  it('applies an update everywhere: new models, then a team that confines them', async () => {
    const team = uniqueId('research');
    await admin(Subjects.admin.teams.create, { id: team, models: ['openai/*'], budget: { max_usd: 100 } });
    const id = uniqueId('lab');
    const secret = (await admin(Subjects.admin.keys.create, { id, models: ['gpt-4o'] })).body[
      'key'
    ] as string;

    const { body } = await admin(Subjects.admin.keys.update, { id, models: ['*'], team, limits: null });
    expect(body).toMatchObject({ id, models: ['*'], team });
    await waitUntil(() => accepts(b, secret) && b.authenticate(`Bearer ${secret}`).team === team, {
      timeoutMs: 1_000,
    });
    const who = b.authenticate(`Bearer ${secret}`);
    expect(who.allows('openai/o3')).toBe(true);
    expect(who.allows('gpt-4o')).toBe(false);
    expect(who.teamBudget).toEqual({ max_usd: 100, period: 'monthly' });

    // A team with keys cannot be deleted; without them it can.
    expect((await adminError(Subjects.admin.teams.delete, { id: team })).status).toBe(409);
    await admin(Subjects.admin.keys.update, { id, team: null });
    expect((await admin(Subjects.admin.teams.delete, { id: team })).body).toMatchObject({ deleted: true });
  });

  it('refuses an expired key with 401 and a clear message', async () => {
    const id = uniqueId('expired');
    const secret = (await admin(Subjects.admin.keys.create, { id, expires_at: '2020-01-01T00:00:00Z' })).body[
      'key'
    ] as string;
    let err: unknown;
    try {
      a.authenticate(`Bearer ${secret}`);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'unauthenticated', message: 'The API key has expired.' });
  });

  it('keeps config keys and teams read-only through the API, with a 409 that says why', async () => {
    for (const [subject, input] of [
      [Subjects.admin.keys.update, { id: 'from-config', models: ['*'] }],
      [Subjects.admin.keys.revoke, { id: 'from-config' }],
      [Subjects.admin.keys.create, { id: 'from-config' }],
      [Subjects.admin.teams.update, { id: 'platform', limits: null }],
      [Subjects.admin.teams.delete, { id: 'platform' }],
    ] as const) {
      const err = await adminError(subject, input);
      expect(err.status).toBe(409);
      expect(err.message).toMatch(/defined in the config file/);
    }
    expect(accepts(a, 'sk-config-1111')).toBe(true);
    const listed = (await admin(Subjects.admin.keys.list, { team: 'platform' })).body['data'] as {
      id: string;
      source: string;
    }[];
    expect(listed.find((k) => k.id === 'from-config')?.source).toBe('config');
  });

  it('answers 400 for a bad body, 404 for an unknown id and 409 for a duplicate', async () => {
    const bad = await adminError(Subjects.admin.keys.create, { id: 'Not Valid!' });
    expect(bad.status).toBe(400);
    expect(bad.param).toBe('id');
    expect((await adminError(Subjects.admin.keys.create, { limits: { rpm: -1 } })).param).toBe('limits.rpm');
    expect((await adminError(Subjects.admin.keys.create, { team: 'no-such-team' })).param).toBe('team');
    expect((await adminError(Subjects.admin.keys.update, { id: 'no-such-key' })).status).toBe(404);
    expect((await adminError(Subjects.admin.keys.create, { id: 'master' })).status).toBe(409);
    const id = uniqueId('dup');
    await admin(Subjects.admin.keys.create, { id });
    expect((await adminError(Subjects.admin.keys.create, { id })).status).toBe(409);
  });

  it('loads what the bucket holds when a replica starts', async () => {
    const id = uniqueId('late');
    const secret = (await admin(Subjects.admin.keys.create, { id })).body['key'] as string;
    const nc = await connectBus({ url: nats.url, name: 'replica-c', log });
    const c = await startKeyDirectory({ nc, config, log });
    try {
      expect(c.authenticate(`Bearer ${secret}`).keyId).toBe(id);
    } finally {
      await c.stop();
      await nc.close();
    }
  });
});
