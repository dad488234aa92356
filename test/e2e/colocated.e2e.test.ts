import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type NatsConnection } from '@switchyard/bus';
import { Ops, Subjects } from '@switchyard/contracts';
import { startNats, startRedis, type RedisHandle, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// The co-located deployment (`switchyard ingress policy cache router` with `server.local_dispatch`,
// workers in their own processes) answers exactly as the split one, while the stages of its edge
// process hand requests to each other without NATS.

const MASTER = 'sk-master-colocated-0123456789';
const APP_KEY = 'sk-app-colocated-0123456789';

let splitNats: ServiceHandle;
let coNats: ServiceHandle;
let redis: RedisHandle;
/** Every service over NATS, as the rest of the suite runs them. */
let split: TestGateway;
/** Ingress, policy, cache, router and telemetry on one connection with local dispatch… */
let edge: TestGateway;
/** … and the worker on its own connection: another process in production. */
let worker: TestGateway;
/** Messages NATS carried on the co-located gateway's subjects, counted by an outside subscriber. */
const onNats = new Map<string, number>();

const document = (redisUrl: string, localDispatch: boolean) => ({
  server: { port: 0, request_timeout_ms: 10_000, local_dispatch: localDispatch },
  master_key: MASTER,
  redis: { url: redisUrl },
  policy: { signing_secret: 'colocated-e2e-signing-secret-0123456789' },
  keys: [{ id: 'app', key: APP_KEY }],
  providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
  models: {
    demo: { deployments: [{ provider: 'demo', model: 'demo-1' }], cache: { enabled: false } },
    cached: { deployments: [{ provider: 'demo', model: 'demo-1' }], cache: { enabled: true } },
  },
});

beforeAll(async () => {
  [splitNats, coNats, redis] = await Promise.all([startNats(), startNats(), startRedis({ ignoreEnv: true })]);
  split = await startGateway(splitNats.url, document(redis.url, false));
  worker = await startGateway(coNats.url, document(redis.url, true), ['worker']);
  edge = await startGateway(coNats.url, document(redis.url, true), [
    'telemetry',
    'router',
    'cache',
    'policy',
    'ingress',
  ]);
  const watched = [
    Subjects.validatedEntry(Ops.chatCompletions),
    Subjects.cache,
    Subjects.route,
    Subjects.provider('demo'),
  ];
  for (const subject of watched) {
    onNats.set(subject, 0);
    worker.nc.subscribe(subject, { callback: () => onNats.set(subject, onNats.get(subject)! + 1) });
  }
  await worker.nc.flush();
});

afterAll(async () => {
  await edge?.stop();
  await worker?.stop();
  await split?.stop();
  await Promise.all([splitNats?.stop(), coNats?.stop(), redis?.stop()]);
});

const client = (gw: TestGateway, apiKey = APP_KEY) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });

const ask = (content: string, model = 'demo') => ({
  model,
  temperature: 0,
  messages: [{ role: 'user' as const, content }],
});

async function streamed(gw: TestGateway, content: string): Promise<{ text: string; chunks: number }> {
  const stream = await client(gw).chat.completions.create({ ...ask(content), stream: true });
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    chunks++;
  }
  return { text, chunks };
}

describe('ingress, policy, cache and router in one process with local dispatch', () => {
  it('answers a JSON request as the split gateway does, the worker reached over NATS', async () => {
    const [a, b] = await Promise.all(
      [split, edge].map((gw) => client(gw).chat.completions.create(ask('Hello edge'))),
    );
    expect(b!.choices[0]?.message.content).toContain('You said: Hello edge');
    expect(b!.choices).toEqual(a!.choices);
    expect(b!.usage).toEqual(a!.usage);
    expect(onNats.get(Subjects.provider('demo'))).toBeGreaterThan(0);
  });

  it('never puts the entry, cache or route hops on NATS', async () => {
    await client(edge).chat.completions.create(ask('Count the hops'));
    await edge.nc.flush();
    await worker.nc.flush();
    expect(onNats.get(Subjects.validatedEntry(Ops.chatCompletions))).toBe(0);
    expect(onNats.get(Subjects.cache)).toBe(0);
    expect(onNats.get(Subjects.route)).toBe(0);
  });

  it('streams the same chunks as the split gateway', async () => {
    const [a, b] = await Promise.all([streamed(split, 'Stream it'), streamed(edge, 'Stream it')]);
    expect(b.text).toContain('You said: Stream it');
    expect(b).toEqual(a);
  });

  it('refuses an unknown key with the same 401 as the split gateway', async () => {
    const refused = async (gw: TestGateway) => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-nobody-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify(ask('let me in')),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const [a, b] = await Promise.all([refused(split), refused(edge)]);
    expect(b.status).toBe(401);
    expect(b).toEqual(a);
  });

  it('answers a repeated deterministic request from the cache, as the split gateway does', async () => {
    const hit = async (gw: TestGateway, content: string) => {
      for (let i = 0; i < 50; i++) {
        const { data, response } = await client(gw)
          .chat.completions.create(ask(content, 'cached'))
          .withResponse();
        if (response.headers.get('x-switchyard-cache') === 'HIT') return data.choices;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no cache hit');
    };
    const [a, b] = await Promise.all([hit(split, 'Cache me (split)'), hit(edge, 'Cache me (edge)')]);
    expect(b[0]?.message.content).toContain('You said: Cache me (edge)');
    expect(a[0]?.message.content).toContain('You said: Cache me (split)');
  });
});

describe('switchyard ingress policy cache router: one process from the command line', () => {
  const root = join(import.meta.dirname, '..', '..');
  const children: ChildProcess[] = [];
  let nats: ServiceHandle;
  let url: string;
  let watcher: NatsConnection;
  const seen = { route: 0, provider: 0 };

  const start = (args: string[], env: Record<string, string>, ready: RegExp): Promise<RegExpExecArray> => {
    const child = spawn(
      process.execPath,
      ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts', ...args],
      { cwd: root, env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env } },
    );
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no ${ready} after 30 s:\n${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = ready.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
  };

  beforeAll(async () => {
    nats = await startNats();
    watcher = await connectBus({
      url: nats.url,
      name: 'colocated-watcher',
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    watcher.subscribe(Subjects.route, { callback: () => seen.route++ });
    watcher.subscribe(Subjects.provider('demo'), { callback: () => seen.provider++ });
    await watcher.flush();
    const configPath = join(mkdtempSync(join(tmpdir(), 'switchyard-colocated-')), 'switchyard.yaml');
    writeFileSync(
      configPath,
      [
        'server: { port: 0, local_dispatch: true }',
        `keys: [{ id: app, key: ${APP_KEY} }]`,
        'providers: { demo: { type: demo, chunk_delay_ms: 0 } }',
        'models: { demo: { deployments: [{ provider: demo, model: demo-1 }] } }',
        '',
      ].join('\n'),
    );
    const env = { NATS_URL: nats.url, SWITCHYARD_CONFIG: configPath };
    const [, edgeReady] = await Promise.all([
      start(['worker', '--provider', 'demo'], env, /worker started/),
      start(
        ['ingress', 'policy', 'cache', 'router'],
        env,
        /"url":"(http:\/\/[^"]+)","msg":"ingress listening"/,
      ),
    ]);
    url = edgeReady[1]!;
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await watcher?.close();
    await nats?.stop();
  });

  it('serves a chat completion with the worker in another process, and stops cleanly', async () => {
    let res: Response | undefined;
    // Presence settles within a heartbeat of both processes starting.
    for (let i = 0; i < 30; i++) {
      res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(ask('from the edge')),
      });
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(res!.status).toBe(200);
    const body = (await res!.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toContain('You said: from the edge');
    await watcher.flush();
    // The router reached the worker over NATS; the cache reached the router in the process.
    expect(seen.provider).toBeGreaterThan(0);
    expect(seen.route).toBe(0);
    const codes = await Promise.all(
      children.map(
        (child) =>
          new Promise<number | null>((resolve) => {
            child.once('exit', (code) => resolve(code));
            child.kill('SIGTERM');
          }),
      ),
    );
    expect(codes).toEqual([0, 0]);
  });
});
