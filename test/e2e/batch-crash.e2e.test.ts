import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { isServiceName } from '@switchyard/cli';
import {
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// The batch processor as its own process, killed with SIGKILL midway through a batch.
const root = join(import.meta.dirname, '..', '..');
const KEY = 'sk-batch-crash-0123456789';
const LINES = 120;
let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;
let configPath: string;
const children: ChildProcess[] = [];

const document = {
  keys: [{ id: 'crash', key: KEY, models: ['*'] }],
  providers: { upstream: { type: 'openai-compatible', base_url: '' } },
  models: { 'gpt-4o-mini': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] } },
  // A short line deadline: a line taken by the killed process is delivered again 5 s after it.
  batch: { concurrency: 8, request_timeout_ms: 3_000, sweep_interval_ms: 200 },
};

function startBatchProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', 'services/batch/src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        LOG_LEVEL: 'info',
        NATS_URL: nats.url,
        SWITCHYARD_CONFIG: configPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`batch did not start in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('batch started')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`batch exited with ${code}:\n${out}`)));
  });
}

beforeAll(async () => {
  nats = await startNats();
  // Slow enough upstream that the kill lands with lines done, in flight and not yet taken.
  fake = await startFakeOpenAI({ latencyMs: 150 });
  const doc = { ...document, providers: { upstream: { type: 'openai-compatible', base_url: fake.url } } };
  gw = await startGateway(nats.url, doc);
  // This test needs the processor only in its own process.
  if (isServiceName('batch')) await gw.stopService('batch');
  configPath = join(mkdtempSync(join(tmpdir(), 'switchyard-batch-crash-')), 'switchyard.yaml');
  writeFileSync(configPath, JSON.stringify(doc));
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
}, 30_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

describe('a batch processor killed midway', () => {
  it('answers every line exactly once, and sends no line upstream twice', async () => {
    const first = await startBatchProcess();
    const lines = Array.from({ length: LINES }, (_, i) => ({
      custom_id: `line-${String(i).padStart(3, '0')}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `crash-marker-${i}.` }] },
    }));
    const file = await client.files.create({
      file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')), 'crash.jsonl'),
      purpose: 'batch',
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });

    await waitUntil(async () => (await client.batches.retrieve(created.id)).request_counts!.completed >= 30, {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // The kill landed midway: lines were left for the restarted process.
    const sentBeforeRestart = fake.requests.filter((r) =>
      JSON.stringify(r.body).includes('crash-marker-'),
    ).length;
    expect(sentBeforeRestart).toBeLessThan(LINES);

    await startBatchProcess();
    let batch = await client.batches.retrieve(created.id);
    await waitUntil(
      async () => {
        batch = await client.batches.retrieve(created.id);
        return batch.status === 'completed';
      },
      { timeoutMs: 25_000, intervalMs: 100 },
    );
    expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });

    const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n');
    const answers = output.map(
      (l) =>
        JSON.parse(l) as {
          custom_id: string;
          response: { status_code: number; body: { choices: { message: { content: string } }[] } };
        },
    );
    expect(answers.map((a) => a.custom_id)).toEqual(lines.map((l) => l.custom_id));
    for (const [i, a] of answers.entries()) {
      expect(a.response.status_code).toBe(200);
      expect(a.response.body.choices[0]!.message.content).toContain(`crash-marker-${i}.`);
    }
    // Each line reached the provider once: none that completed was sent again after the restart.
    const seen = new Map<number, number>();
    for (const r of fake.requests) {
      const marker = /crash-marker-(\d+)\./.exec(JSON.stringify(r.body));
      if (marker) seen.set(Number(marker[1]), (seen.get(Number(marker[1])) ?? 0) + 1);
    }
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    expect(seen.size).toBe(LINES);
  }, 40_000);
});
