import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const MASTER = 'sk-master-logcheck-7f3a9c21e5';
const CONFIG_KEY = 'sk-config-logcheck-4b8d2e61aa';
const BAD_KEY = 'sk-wrong-logcheck-9e1c7d3f02';
const PROVIDER_KEY = 'sk-provider-logcheck-2c5e8a4f19';
const SIGNING_SECRET = 'signing-secret-logcheck-6d9b3e1f7a2c4e8b';

let nats: ServiceHandle;
let fake: FakeOpenAI;
let dir: string;
let gateway: ChildProcess | undefined;
let output = '';
let url = '';

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logcheck-'));
  const configPath = join(dir, 'switchyard.yaml');
  // JSON is YAML.
  await writeFile(
    configPath,
    JSON.stringify({
      master_key: MASTER,
      policy: { signing_secret: SIGNING_SECRET },
      keys: [{ id: 'app', key: CONFIG_KEY, models: ['*'] }],
      providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: PROVIDER_KEY } },
      models: { 'gpt-4o-mini': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] } },
    }),
  );
  // The whole gateway as `npm start` runs it, logging at debug to stdout: what a log collector reads.
  gateway = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts', 'all'],
    {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        NATS_URL: nats.url,
        SWITCHYARD_CONFIG: configPath,
        LOG_LEVEL: 'debug',
        PORT: '0',
        TELEMETRY_PORT: '0',
      },
    },
  );
  gateway.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  gateway.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner after 30 s:\n${output}`)), 30_000);
    gateway!.stdout!.on('data', () => {
      const found = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    gateway!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}, 60_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await fake?.stop();
  await nats?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const chat = (headers: Record<string, string>) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
  });

describe('secrets in the logs', () => {
  it('never writes a key, a provider key or the signing secret, even at debug', async () => {
    expect((await chat({ authorization: `Bearer ${CONFIG_KEY}` })).status).toBe(200);
    expect((await chat({ authorization: `Bearer ${BAD_KEY}` })).status).toBe(401);
    expect((await chat({ 'x-api-key': BAD_KEY })).status).toBe(401);

    const created = await fetch(`${url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'made-by-api' }),
    });
    expect(created.status).toBe(201);
    const secret = ((await created.json()) as { key: string }).key;
    expect((await chat({ authorization: `Bearer ${secret}` })).status).toBe(200);
    expect((await chat({ 'x-api-key': secret })).status).toBe(200);
    expect(
      (await fetch(`${url}/admin/keys/made-by-api`, { headers: { authorization: `Bearer ${BAD_KEY}` } }))
        .status,
    ).toBe(401);
    // The provider saw its key on every call the gateway made.
    expect(fake.requests.length).toBeGreaterThanOrEqual(3);

    // Stop the gateway so every line it wrote is in.
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway!.kill('SIGTERM');
    await exited;
    gateway = undefined;

    // The log is really there, at debug, with the requests in it: the check below is not vacuous.
    expect(output).toContain('"level":20');
    expect(output).toContain('/v1/chat/completions');
    expect(output).toContain('made-by-api');
    for (const secretValue of [MASTER, CONFIG_KEY, BAD_KEY, PROVIDER_KEY, SIGNING_SECRET, secret]) {
      expect(output).not.toContain(secretValue);
    }
  }, 60_000);
});
