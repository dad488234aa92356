import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Child, Children } from './children.js';
import { CACHED_MODEL, MODEL } from './scenarios.js';

export const BENCH_KEY = 'sk-bench-0123456789abcdef';
export const SERVICES = ['policy', 'cache', 'router', 'telemetry', 'worker', 'ingress'] as const;
/** Processes of each layout run with `server.local_dispatch`, each with its own NATS. */
export const LOCAL_LAYOUTS = {
  /** The edge (ingress, policy, cache, router in one process), then the others. */
  colocated: [
    { name: 'telemetry-co', args: ['telemetry'] },
    { name: 'worker-co', args: ['worker', '--provider', 'bench'] },
    { name: 'edge', args: ['ingress', 'policy', 'cache', 'router'] },
  ],
  /** Every service in one process. */
  single: [{ name: 'single', args: ['telemetry', 'worker', 'router', 'cache', 'policy', 'ingress'] }],
  /** Every service but telemetry in one process, telemetry in another: two cores' worth. */
  duo: [
    { name: 'telemetry-duo', args: ['telemetry'] },
    { name: 'pipeline', args: ['router', 'worker', 'cache', 'policy', 'ingress'] },
  ],
} as const;
export type LocalLayout = keyof typeof LOCAL_LAYOUTS;

export interface SwitchyardOptions {
  root: string;
  natsUrl: string;
  redisUrl: string;
  upstreamUrl: string;
  fromSource: boolean;
  /** Services to run under --cpu-prof, and where their profiles go. */
  cpuProf: { services: string[]; dir: string };
  logLevel: string;
  /** Several services per process with `server.local_dispatch`; without it, one process per service. */
  layout?: LocalLayout;
}

/**
 * The bench's config: one key with a per-minute limit so high it never refuses (the limit path
 * still runs, as it would in production), the cache on only for `bench-cached`, telemetry on.
 */
export function benchConfig(upstreamUrl: string, localDispatch = false): string {
  const deployment = `{ provider: bench, model: bench-model }`;
  return [
    `server: { port: 0, request_timeout_ms: 30000, local_dispatch: ${localDispatch} }`,
    'telemetry: { port: 0 }',
    `master_key: ${randomBytes(16).toString('hex')}`,
    `policy: { signing_secret: ${randomBytes(32).toString('hex')} }`,
    'keys:',
    `  - { id: bench, key: ${BENCH_KEY}, limits: { rpm: 10000000 } }`,
    'providers:',
    `  bench: { type: openai-compatible, base_url: ${upstreamUrl}/v1, api_key: sk-upstream-bench, connections: 64 }`,
    'models:',
    `  ${MODEL}: { deployments: [${deployment}], cache: { enabled: false } }`,
    `  ${CACHED_MODEL}: { deployments: [${deployment}], cache: { enabled: true } }`,
    '',
  ].join('\n');
}

/** Every Switchyard service as its own process, as docker-compose and Kubernetes run them. */
export async function startSwitchyard(
  children: Children,
  options: SwitchyardOptions,
): Promise<{ url: string; processes: Child[]; configPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const configPath = join(dir, 'switchyard.yaml');
  writeFileSync(configPath, benchConfig(options.upstreamUrl, options.layout !== undefined));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NATS_URL: options.natsUrl,
    REDIS_URL: options.redisUrl,
    SWITCHYARD_CONFIG: configPath,
    LOG_LEVEL: options.logLevel,
  };
  // Production runs the compiled JavaScript; sources are for a checkout whose build is broken.
  const entry = options.fromSource
    ? ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts']
    : ['apps/switchyard/dist/main.js'];
  const start = (name: string, args: readonly string[]) => {
    const profile = options.cpuProf.services.includes(name)
      ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProf.dir, '--cpu-prof-name', `${name}.cpuprofile`]
      : [];
    return children.spawn(name, process.execPath, [...profile, ...entry, ...args], {
      cwd: options.root,
      env,
    });
  };
  const layout: { name: string; args: readonly string[]; started: string }[] = options.layout
    ? LOCAL_LAYOUTS[options.layout].map(({ name, args }) => ({ name, args, started: args[0] }))
    : SERVICES.map((service) => ({
        name: service,
        args: service === 'worker' ? ['worker', '--provider', 'bench'] : [service],
        started: service,
      }));
  const processes = layout.map(({ name, args }) => start(name, args));
  const ready = processes.map((child, i) =>
    layout[i]!.args.includes('ingress')
      ? child.waitFor(/"url":"(http:\/\/[^"]+)","msg":"ingress listening"/, 60_000)
      : child.waitFor(new RegExp(`${layout[i]!.started} started`), 60_000),
  );
  const matches = await Promise.all(ready);
  const ingress = layout.findIndex((l) => l.args.includes('ingress'));
  return { url: matches[ingress]![1]!, processes, configPath };
}

/** Presence settles within a heartbeat of every process starting: retry until a request goes through. */
export async function waitUntilServing(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'ready?' }] }),
        signal: AbortSignal.timeout(5_000),
      });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Switchyard did not answer 200 within ${timeoutMs} ms; last answer: ${last.slice(0, 500)}`);
}
