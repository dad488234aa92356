import { startNats } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type BusLogger } from './connect.js';

let nats: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  nats = await startNats();
});

afterAll(async () => {
  await nats?.stop();
});

function recordingLog(): BusLogger & { lines: { level: string; msg?: string }[] } {
  const lines: { level: string; msg?: string }[] = [];
  return {
    lines,
    info: (_, msg) => lines.push({ level: 'info', msg }),
    warn: (_, msg) => lines.push({ level: 'warn', msg }),
    error: (_, msg) => lines.push({ level: 'error', msg }),
  };
}

const waitFor = async (check: () => boolean, ms: number): Promise<boolean> => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  return check();
};

describe('connectBus', () => {
  it('connects, and the connection carries messages', async () => {
    const nc = await connectBus({ url: nats.url, name: 'switchyard-test', log: recordingLog() });
    try {
      const sub = nc.subscribe('hello');
      nc.publish('hello', 'world');
      for await (const msg of sub) {
        expect(msg.string()).toBe('world');
        break;
      }
    } finally {
      await nc.close();
    }
  });

  it('accepts a comma-separated list, as NATS_URL holds it, using a server that answers', async () => {
    const nc = await connectBus({
      url: `nats://127.0.0.1:1, ${nats.url}`,
      name: 'switchyard-list',
      log: recordingLog(),
    });
    try {
      expect(nc.getServer()).toBe(new URL(nats.url).host);
    } finally {
      await nc.close();
    }
  });

  it('fails at start with a message naming the URL when nothing answers there', async () => {
    const url = 'nats://127.0.0.1:1';
    await expect(connectBus({ url, name: 'x', log: recordingLog() })).rejects.toThrow(
      `Cannot connect to NATS at ${url}`,
    );
  });

  it('logs a warning when the server goes away, and keeps trying instead of closing', async () => {
    const own = await startNats();
    const log = recordingLog();
    const nc = await connectBus({ url: own.url, name: 'switchyard-reconnect', log });
    try {
      await own.stop();
      expect(await waitFor(() => log.lines.some((l) => l.level === 'warn'), 5_000)).toBe(true);
      expect(log.lines.find((l) => l.level === 'warn')?.msg).toMatch(/disconnected/i);
      await new Promise((r) => setTimeout(r, 600));
      expect(nc.isClosed()).toBe(false);
    } finally {
      await nc.close();
    }
  });
});
