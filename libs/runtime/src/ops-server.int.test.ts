import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsServer, type OpsServer } from './ops-server.js';

let ops: OpsServer;
let reason: string | undefined = 'Not connected to NATS.';

beforeAll(async () => {
  ops = await startOpsServer({ host: '127.0.0.1', port: 0, service: 'policy', notReadyReason: () => reason });
});

afterAll(async () => {
  await ops?.close();
});

describe('ops server', () => {
  it('is live at once, and ready only once the service says so', async () => {
    expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${ops.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('Not connected to NATS.\n');
    reason = undefined;
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(200);
  });

  it('serves the process metrics of this service for Prometheus', async () => {
    const res = await fetch(`${ops.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes\{service="policy"\} \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{service="policy"\} /m);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await fetch(`${ops.url}/nope`)).status).toBe(404);
    expect((await fetch(`${ops.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
