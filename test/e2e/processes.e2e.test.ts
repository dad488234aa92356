import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each service as its own process, as docker-compose and Kubernetes run them.
const root = join(import.meta.dirname, '..', '..');
const KEY = 'sk-processes-e2e-0123456789';
const children: ChildProcess[] = [];
let nats: ServiceHandle;
let ingressUrl: string;
let policyOpsUrl: string;

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts', ...args],
    {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return child;
}

const waitForLine = (child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> =>
  new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} after 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });

beforeAll(async () => {
  nats = await startNats();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-processes-'));
  const configPath = join(dir, 'switchyard.yaml');
  writeFileSync(
    configPath,
    [
      'server: { port: 0 }',
      'telemetry: { port: 0 }',
      'master_key: ${TEST_MASTER_KEY}',
      'providers: { demo: { type: demo, chunk_delay_ms: 0 } }',
      'models: { demo: { deployments: [{ provider: demo, model: demo-1 }] } }',
      '',
    ].join('\n'),
  );
  const env = { NATS_URL: nats.url, SWITCHYARD_CONFIG: configPath, TEST_MASTER_KEY: KEY };
  const started = ['cache', 'router', 'telemetry'].map((name) =>
    waitForLine(startProcess([name], env), new RegExp(`${name} started`)),
  );
  const policy = startProcess(['policy'], { ...env, HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' });
  const ops = waitForLine(policy, /"url":"(http:\/\/[^"]+)","msg":"serving \/healthz/);
  started.push(waitForLine(policy, /policy started/));
  started.push(waitForLine(startProcess(['worker', '--provider', 'demo'], env), /worker started/));
  const ingress = startProcess(['ingress'], env);
  const listening = waitForLine(ingress, /"url":"(http:\/\/[^"]+)","msg":"ingress listening"/);
  await Promise.all(started);
  ingressUrl = (await listening)[1]!;
  policyOpsUrl = (await ops)[1]!;
}, 60_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await nats?.stop();
});

describe('every service in its own process', () => {
  it('serves a chat completion through all of them', async () => {
    // Presence settles within a heartbeat of every process starting.
    let res: Response | undefined;
    for (let i = 0; i < 30; i++) {
      res = await fetch(`${ingressUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'across processes' }] }),
      });
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(res!.status).toBe(200);
    const body = (await res!.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toContain('You said: across processes');
  });

  it('serves probes and process metrics on HEALTH_PORT for a service with no HTTP API', async () => {
    expect((await fetch(`${policyOpsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${policyOpsUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${policyOpsUrl}/metrics`)).text()).toMatch(
      /^process_cpu_seconds_total\{service="policy"\} /m,
    );
  });

  it('stops every process cleanly on SIGTERM (exit code 0)', async () => {
    const codes = await Promise.all(
      children.map(
        (child) =>
          new Promise<number | null>((resolve) => {
            child.once('exit', (code) => resolve(code));
            child.kill('SIGTERM');
          }),
      ),
    );
    expect(codes).toEqual(children.map(() => 0));
  });
});
