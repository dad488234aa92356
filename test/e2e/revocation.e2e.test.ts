import { connectBus, createPresence, type NatsConnection } from '@switchyard/bus';
import { createLogger } from '@switchyard/log';
import { startPolicy } from '@switchyard/policy';
import type { RunningService } from '@switchyard/runtime';
import { startNats, waitUntil, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// A key revoked through the admin API while requests with it keep coming, to two policy replicas
// (the gateway's and a second one on its own connection): within a second every replica refuses it.
const MASTER = 'sk-master-revocation-e2e-0123456789';

let nats: ServiceHandle;
let gw: TestGateway;
let secondNc: NatsConnection;
let secondPolicy: RunningService;

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
    models: { demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] } },
  });
  const log = createLogger({ name: 'e2e-policy-2', level: 'silent' });
  secondNc = await connectBus({ url: nats.url, name: 'e2e-policy-2', log });
  secondPolicy = await startPolicy({
    nc: secondNc,
    presence: createPresence(secondNc),
    log,
    config: gw.config,
  });
});

afterAll(async () => {
  await secondPolicy?.stop();
  await secondNc?.drain();
  await gw?.stop();
  await nats?.stop();
});

interface Answer {
  status: number;
  startedAt: number;
  endedAt: number;
}

async function chat(key: string): Promise<Answer> {
  const startedAt = Date.now();
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'still allowed?' }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, startedAt, endedAt: Date.now() };
}

describe('revoking a key under load', () => {
  it('is refused by every policy replica within a second, and nothing else fails', async () => {
    const created = await fetch(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'revoked-under-load' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const answers: Answer[] = [];
    let running = true;
    const loops = Array.from({ length: 8 }, async () => {
      while (running) answers.push(await chat(key));
    });
    // Revoke once the key has visibly worked, however slow the machine is to answer the first calls.
    await waitUntil(() => answers.filter((a) => a.status === 200).length >= 8, { timeoutMs: 15_000 });
    const revokeSentAt = Date.now();
    const revoked = await fetch(`${gw.url}/admin/keys/revoked-under-load`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${MASTER}` },
    });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2_500));
    running = false;
    await Promise.all(loops);

    expect(answers.every((a) => a.status === 200 || a.status === 401)).toBe(true);
    // Answered before the revocation was even sent: the key worked. (One in flight meanwhile may
    // meet either answer.)
    const before = answers.filter((a) => a.endedAt < revokeSentAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((a) => a.status === 200)).toBe(true);
    const after = answers.filter((a) => a.startedAt > revokedAt + 1_000);
    expect(after.length).toBeGreaterThanOrEqual(8);
    expect(after.every((a) => a.status === 401)).toBe(true);
  });
});
