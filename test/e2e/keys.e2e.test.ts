import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { natsHeaders } from '@switchyard/bus';
import { Headers, Ops, Subjects } from '@switchyard/contracts';
import { startNats, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-keys-e2e-0123456789';
const CONFIG_KEY = 'sk-config-keys-e2e-0123456789';
const SIGNING_SECRET = 'keys-e2e-signing-secret-0123456789abcdef';
const root = join(import.meta.dirname, '..', '..');

let nats: ServiceHandle;
let gw: TestGateway;

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    policy: { signing_secret: SIGNING_SECRET },
    keys: [{ id: 'gitops-app', key: CONFIG_KEY, team: 'gitops', models: ['demo'] }],
    teams: [{ id: 'gitops', limits: { rpm: 100 } }],
    providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
    models: {
      demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] },
      'demo-large': { deployments: [{ provider: 'demo', model: 'demo-2' }] },
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  await nats?.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { message: string; type: string; param: string | null; code: string | null };
  };
}

async function admin(method: string, path: string, body?: unknown, key = MASTER): Promise<Answer> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const chat = (key: string, model = 'demo') =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Hello' }],
  });

const statusOf = async (request: Promise<unknown>): Promise<number> => {
  try {
    await request;
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
};

describe('the admin API for keys and teams', () => {
  it('creates a team and a key whose secret is shown once and works with OpenAI and Anthropic SDKs', async () => {
    const team = await admin('POST', '/admin/teams', {
      id: 'search',
      models: ['demo*'],
      budget: { max_usd: 50 },
    });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ object: 'team', id: 'search', source: 'api' });

    const created = await admin('POST', '/admin/keys', {
      id: 'search-app',
      team: 'search',
      models: ['demo'],
      limits: { rpm: 60 },
      metadata: { owner: 'alice' },
    });
    expect(created.status).toBe(201);
    const secret = created.body['key'] as string;
    expect(secret).toMatch(/^sk-sy-/);

    const answer = await chat(secret);
    expect(answer.choices[0]?.message.content).toContain('You said: Hello');
    // Anthropic's SDK sends the key as x-api-key.
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: secret, maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'demo',
      max_tokens: 32,
      messages: [{ role: 'user', content: 'Hi there' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    // Not one of the key's models: 403 naming the key, not the secret.
    expect(await statusOf(chat(secret, 'demo-large'))).toBe(403);

    for (const path of ['/admin/keys', '/admin/keys/search-app', '/admin/keys?team=search']) {
      const shown = await admin('GET', path);
      expect(shown.status).toBe(200);
      expect(JSON.stringify(shown.body)).toContain('search-app');
      expect(JSON.stringify(shown.body)).not.toContain(secret);
      expect(JSON.stringify(shown.body)).not.toContain('key_hash');
    }
    const listed = (await admin('GET', '/admin/keys')).body['data'] as { id: string; source: string }[];
    expect(listed.map((k) => [k.id, k.source])).toEqual(
      expect.arrayContaining([
        ['gitops-app', 'config'],
        ['search-app', 'api'],
      ]),
    );
    expect(((await admin('GET', '/admin/teams')).body['data'] as { id: string }[]).map((t) => t.id)).toEqual([
      'gitops',
      'search',
    ]);
  });

  it('updates a key (its models change at once) and revokes it (refused within a second)', async () => {
    const secret = (await admin('POST', '/admin/keys', { id: 'rotating', models: ['demo'] })).body[
      'key'
    ] as string;
    expect(await statusOf(chat(secret, 'demo-large'))).toBe(403);

    const updated = await admin('PATCH', '/admin/keys/rotating', { models: ['demo', 'demo-large'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: 'rotating', models: ['demo', 'demo-large'] });
    expect(await statusOf(chat(secret, 'demo-large'))).toBe(200);

    expect((await admin('DELETE', '/admin/keys/rotating')).body).toEqual({
      object: 'key',
      id: 'rotating',
      deleted: true,
    });
    // The replica that revoked it refuses it at once (others within a second: key-directory.int.test.ts).
    expect(await statusOf(chat(secret))).toBe(401);
    expect((await admin('GET', '/admin/keys/rotating')).status).toBe(404);
  });

  it('refuses an expired key with 401 and a message that says so', async () => {
    const secret = (await admin('POST', '/admin/keys', { expires_at: '2021-06-01T00:00:00Z' })).body[
      'key'
    ] as string;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: { message: 'The API key has expired.' } });
    expect(body).not.toContain(secret);
  });

  it('keeps config keys and teams read-only: 409 that says to edit the config', async () => {
    for (const [method, path, body] of [
      ['PATCH', '/admin/keys/gitops-app', { models: ['*'] }],
      ['DELETE', '/admin/keys/gitops-app', undefined],
      ['PATCH', '/admin/teams/gitops', { limits: null }],
      ['DELETE', '/admin/teams/gitops', undefined],
    ] as const) {
      const answer = await admin(method, path, body);
      expect(answer.status).toBe(409);
      expect(answer.body.error?.message).toMatch(/defined in the config file/);
    }
    expect(await statusOf(chat(CONFIG_KEY))).toBe(200);
  });

  it('answers bad bodies with 400 naming the field, unknown ids with 404, and other keys with 401/403', async () => {
    const bad = await admin('POST', '/admin/keys', { limits: { rpm: 'lots' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'limits.rpm' });
    expect((await admin('POST', '/admin/keys', { colour: 'blue' })).status).toBe(400);
    expect((await admin('PATCH', '/admin/teams/nobody', { models: ['*'] })).status).toBe(404);
    expect((await admin('POST', '/admin/keys', { id: 'gitops-app' })).status).toBe(409);
    expect((await admin('GET', '/admin/keys', undefined, CONFIG_KEY)).status).toBe(403);
    expect((await admin('GET', '/admin/keys', undefined, 'sk-not-a-key-at-all')).status).toBe(401);
  });

  it('refuses a valid key made through the API with 403 admin_only, an unknown or revoked one with 401', async () => {
    const secret = (await admin('POST', '/admin/keys', { id: 'not-admin', models: ['demo'] })).body[
      'key'
    ] as string;
    for (const [method, path, body] of [
      ['GET', '/admin/keys', undefined],
      ['GET', '/admin/routes', undefined],
      ['POST', '/admin/keys', { id: 'escalated', models: ['*'] }],
    ] as const) {
      const refused = await admin(method, path, body, secret);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'admin_only' });
      expect(JSON.stringify(refused.body)).not.toContain(secret);
    }
    expect((await admin('GET', '/admin/keys/escalated')).status).toBe(404);

    // A key that policy refuses for its limits, not its identity, is still a valid key.
    const limited = (await admin('POST', '/admin/keys', { id: 'limited', limits: { rpm: 1 } })).body[
      'key'
    ] as string;
    expect(await statusOf(chat(limited))).toBe(200);
    expect(await statusOf(chat(limited))).toBe(429);
    expect((await admin('GET', '/admin/keys', undefined, limited)).body.error?.code).toBe('admin_only');

    for (const madeUp of ['sk-sy-made-up-0123456789abcdef', 'x']) {
      const unknown = await admin('GET', '/admin/keys', undefined, madeUp);
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toMatchObject({ code: 'invalid_api_key' });
    }
    const expired = (await admin('POST', '/admin/keys', { expires_at: '2021-06-01T00:00:00Z' })).body[
      'key'
    ] as string;
    expect((await admin('GET', '/admin/keys', undefined, expired)).body.error).toMatchObject({
      code: 'invalid_api_key',
      message: 'The API key has expired.',
    });

    expect((await admin('DELETE', '/admin/keys/not-admin')).status).toBe(200);
    const revoked = await admin('GET', '/admin/keys', undefined, secret);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.code).toBe('invalid_api_key');
    expect(JSON.stringify(revoked.body)).not.toContain(secret);
    expect((await admin('GET', '/admin/keys')).status).toBe(200);
  });

  it('answers 503 for a key it cannot check while policy is down; the master key and config keys need no check', async () => {
    const secret = (await admin('POST', '/admin/keys', { id: 'unchecked' })).body['key'] as string;
    await gw.stopService('policy');
    try {
      for (const key of [secret, 'sk-sy-made-up-0123456789abcdef']) {
        const unchecked = await admin('GET', '/admin/routes', undefined, key);
        expect(unchecked.status).toBe(503);
        expect(unchecked.body.error?.code).toBe('service_unavailable');
        expect(JSON.stringify(unchecked.body)).not.toContain(key);
      }
      expect((await admin('GET', '/admin/routes', undefined, CONFIG_KEY)).body.error?.code).toBe(
        'admin_only',
      );
      // The router answers this one: the master key is let through without policy.
      expect((await admin('GET', '/admin/routes')).status).toBe(200);
    } finally {
      await gw.startService('policy');
    }
    expect((await admin('GET', '/admin/routes', undefined, secret)).body.error?.code).toBe('admin_only');
  });
});

describe('the switchyard keys / teams CLI', () => {
  const cli = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts', ...args],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', SWITCHYARD_URL: gw.url, SWITCHYARD_MASTER_KEY: MASTER },
        timeout: 30_000,
      },
    );

  it('creates a team and a key, lists and revokes it, against a running gateway', async () => {
    const team = JSON.parse(
      (await cli('teams', 'create', 'cli-team', '--models', 'demo', '--rpm', '30')).stdout,
    );
    expect(team).toMatchObject({ id: 'cli-team', models: ['demo'], limits: { rpm: 30 } });

    const created = JSON.parse(
      (
        await cli(
          'keys',
          'create',
          'cli-key',
          '--team',
          'cli-team',
          '--budget-usd',
          '5',
          '--budget-period',
          'daily',
          '--meta',
          'owner=bob',
        )
      ).stdout,
    ) as { key: string };
    expect(created).toMatchObject({
      id: 'cli-key',
      team: 'cli-team',
      budget: { max_usd: 5, period: 'daily' },
    });
    expect(await statusOf(chat(created.key))).toBe(200);

    const listed = JSON.parse((await cli('keys', 'list', '--team', 'cli-team')).stdout) as {
      data: unknown[];
    };
    expect(listed.data).toEqual([expect.objectContaining({ id: 'cli-key', metadata: { owner: 'bob' } })]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    await cli('keys', 'revoke', 'cli-key');
    expect(await statusOf(chat(created.key))).toBe(401);
  }, 60_000);

  it('says what the gateway refused and exits 1; wrong usage exits 2', async () => {
    const refused = await cli('keys', 'get', 'no-such-key').catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("404: No key with id 'no-such-key'"),
    });
    const usage = await cli('keys', 'frobnicate').catch((err: { code: number; stderr: string }) => err);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: switchyard keys') });
  }, 30_000);
});

describe('signed requests', () => {
  const forged = (subject: string, signature?: string) => {
    const h = natsHeaders();
    h.set(Headers.requestId, `forged-${subject}`);
    h.set(Headers.op, Ops.chatCompletions);
    h.set(Headers.model, 'demo');
    h.set(Headers.keyId, 'master');
    h.set(Headers.allowedModels, '*');
    h.set(Headers.deadline, String(Date.now() + 10_000));
    h.set(Headers.provider, 'demo');
    h.set(Headers.deployment, 'demo');
    h.set(Headers.upstreamModel, 'demo-1');
    if (signature !== undefined) h.set(Headers.signature, signature);
    return gw.nc.request(
      subject,
      JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'x' }] }),
      {
        headers: h,
        timeout: 5_000,
      },
    );
  };

  it.each([
    ['the router', Subjects.route],
    ['a worker', Subjects.provider('demo')],
  ])('%s refuses a request that skipped policy with 403, signed or not', async (_who, subject) => {
    for (const signature of [undefined, `v1.${Date.now() + 10_000}.${'ab'.repeat(32)}`]) {
      const reply = await forged(subject, signature);
      expect(reply.headers?.get(Headers.status)).toBe('403');
      expect(reply.json()).toMatchObject({ error: { type: 'permission_error' } });
    }
  });
});
