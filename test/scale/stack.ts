import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Switchyard as it is deployed: each service its own process on one NATS, driven over HTTP by a
// load generator. Shared by the scale and resilience tests in this folder.
const root = join(import.meta.dirname, '..', '..');
export const KEY = 'sk-scale-e2e-0123456789';
const SIGNING_SECRET = 'scale-e2e-signing-secret-0123456789abcdef';
/** The model alias the tests call. */
export const MODEL = 'scaled';
/**
 * `server.request_timeout_ms`: the deadline the ingress itself enforces. (An alias's `timeout_ms`
 * is applied by the router, after the ingress: a request lost with a killed worker would wait for
 * the ingress's deadline, not the alias's.)
 */
export const REQUEST_TIMEOUT_MS = 6_000;

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the process's output (45 s at most: a loaded machine). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** SIGTERM (a graceful stop), then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies at once, as on a crash or an OOM kill. */
  kill(): Promise<void>;
}

const live = new Set<Proc>();

export function spawnSwitchyard(name: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts', ...args],
    {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        LOG_LEVEL: 'info',
        TEST_MASTER_KEY: KEY,
        SWITCHYARD_SIGNING_SECRET: SIGNING_SECRET,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const listeners = new Set<() => void>();
  const capture = (d: Buffer): void => {
    // Enough to find the start lines and explain a failure, without growing for ever under load.
    out = (out + d.toString()).slice(-64_000);
    for (const l of listeners) l();
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: Proc = {
    name,
    child,
    output: () => out,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(out);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no ${pattern} after 45 s:\n${out}`));
        }, 45_000);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          if (listeners.has(check)) {
            done();
            reject(new Error(`${name} exited with ${code}:\n${out}`));
          }
        });
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      live.delete(proc);
      return code;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
      live.delete(proc);
    },
  };
  live.add(proc);
  return proc;
}

/** Stops every process still running (SIGTERM), for afterAll. */
export const stopAll = (): Promise<unknown> => Promise.all([...live].map((p) => p.stop()));

export interface ConfigOptions {
  /** The provider's base URL (…/v1). */
  upstream: string;
  /** Upstream calls per worker process at once (deployment `max_concurrency`). */
  maxConcurrency?: number;
  /** `server.request_timeout_ms`; default REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
}

/** A config file for the services: one OpenAI-compatible provider `up` behind the alias MODEL. */
export function writeConfig(options: ConfigOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scale-'));
  const file = join(dir, 'switchyard.yaml');
  const limit = options.maxConcurrency ? `, max_concurrency: ${options.maxConcurrency}` : '';
  writeFileSync(
    file,
    [
      `server: { host: 127.0.0.1, port: 0, request_timeout_ms: ${options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS} }`,
      'telemetry: { host: 127.0.0.1, port: 0 }',
      'master_key: ${TEST_MASTER_KEY}',
      `providers: { up: { type: openai-compatible, base_url: ${JSON.stringify(options.upstream)} } }`,
      `models: { ${MODEL}: { deployments: [{ provider: up, model: gpt-4o${limit} }] } }`,
      '',
    ].join('\n'),
  );
  return file;
}

export type StageService = 'policy' | 'cache' | 'router' | 'telemetry';
export const STAGES: readonly StageService[] = ['telemetry', 'router', 'cache', 'policy'];

/** Starts a stage service and resolves once it says it started. */
export async function startStage(name: StageService, env: Record<string, string>, tag = name): Promise<Proc> {
  const proc = spawnSwitchyard(tag, [name], env);
  await proc.waitFor(new RegExp(`${name} started`));
  return proc;
}

export async function startWorker(env: Record<string, string>, tag = 'worker'): Promise<Proc> {
  const proc = spawnSwitchyard(tag, ['worker', '--provider', 'up'], env);
  await proc.waitFor(/worker started/);
  return proc;
}

/** Starts an ingress and resolves with it and its URL. */
export async function startIngress(env: Record<string, string>, tag = 'ingress'): Promise<[Proc, string]> {
  const proc = spawnSwitchyard(tag, ['ingress'], env);
  const match = await proc.waitFor(/"url":"(http:\/\/[^"]+)","msg":"ingress listening"/);
  return [proc, match[1]!];
}

export interface Answer {
  status: number;
  /** Set when no HTTP answer came: a network error, or our own patience ran out (a hang). */
  error?: string;
  hung: boolean;
  requestId: string | undefined;
  /** The OpenAI error code of an error answer. */
  code: string | undefined;
  startedAt: number;
  ms: number;
  ingress: string;
}

/** How long past the request's deadline we wait before calling it hung. */
const HANG_SLACK_MS = 5_000;
let sequence = 0;

/** One chat completion; never throws. Each body is unique, so no cache can answer it. */
export async function chat(ingress: string): Promise<Answer> {
  const startedAt = Date.now();
  const base = { startedAt, ingress, requestId: undefined, code: undefined };
  try {
    const res = await fetch(`${ingress}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: `request ${++sequence}` }] }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + HANG_SLACK_MS),
    });
    const body = (await res.json()) as { error?: { code?: string } };
    return {
      ...base,
      status: res.status,
      hung: false,
      requestId: res.headers.get('x-request-id') ?? undefined,
      code: body.error?.code,
      ms: Date.now() - startedAt,
    };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return { ...base, status: 0, hung, error: (err as Error).message, ms: Date.now() - startedAt };
  }
}

export interface Load {
  /** Every answer so far. */
  readonly answers: Answer[];
  /** Stops sending and resolves once every request sent has its answer. */
  stop(): Promise<Answer[]>;
}

/**
 * A closed loop of `clients` concurrent callers, each sending its next request when the last is
 * answered, to the ingress `target()` names at that moment (a load balancer's choice).
 */
export function startLoad(clients: number, target: () => string): Load {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) answers.push(await chat(target()));
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

/** Waits until the gateway behind `ingress` serves a request (presence settles within a beat). */
export async function waitUntilServing(ingress: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const answer = await chat(ingress);
    if (answer.status === 200) return;
    if (Date.now() > until) throw new Error(`the gateway does not serve: ${JSON.stringify(answer)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const summarize = (answers: Answer[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.hung ? 'hung' : a.status === 0 ? 'network-error' : String(a.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};
