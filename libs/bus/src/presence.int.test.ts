import { Subjects } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from './connect.js';
import { createPresence, type Presence } from './presence.js';

let nats: { url: string; stop(): Promise<void> };
let opened: { nc: NatsConnection; presence: Presence }[] = [];

beforeAll(async () => {
  nats = await startNats();
});

afterEach(async () => {
  for (const { nc, presence } of opened) {
    await presence.stop();
    if (!nc.isClosed()) await nc.close();
  }
  opened = [];
});

afterAll(async () => {
  await nats?.stop();
});

/** A process: its own connection and presence. */
async function startProcess(name: string): Promise<{ nc: NatsConnection; presence: Presence }> {
  const nc = await connect({ servers: nats.url, name });
  const presence = createPresence(nc);
  await nc.flush();
  const p = { nc, presence };
  opened.push(p);
  return p;
}

/** Every message each connection published has reached every subscriber. */
async function settle(...ncs: NatsConnection[]): Promise<void> {
  for (let i = 0; i < 2; i++) for (const nc of ncs) if (!nc.isClosed()) await nc.flush();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe('createPresence', () => {
  it('counts a stage this process announced as alive at once', async () => {
    const a = await startProcess('a');
    a.presence.announce('policy');
    expect(a.presence.isAlive('policy')).toBe(true);
  });

  it('tells another process about an announced stage, without waiting for a heartbeat', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    await sleep(1_600); // both past warm-up: unknown stages now count as gone
    expect(b.presence.isAlive('cache')).toBe(false);

    a.presence.announce('cache');
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('cache')).toBe(true);
  });

  it('keeps the stage alive in the other process through heartbeats, past the expiry', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    a.presence.announce('router');
    await sleep(4_000);
    expect(b.presence.isAlive('router')).toBe(true);
  });

  it('marks a withdrawn stage gone in the other process at once', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    a.presence.announce('provider.openai');
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('provider.openai')).toBe(true);

    a.presence.withdraw('provider.openai');
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('provider.openai')).toBe(false);
    expect(a.presence.isAlive('provider.openai')).toBe(false);
  });

  it('marks every stage of a stopped process gone in the other at once', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    a.presence.announce('policy');
    a.presence.announce('cache');
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('policy')).toBe(true);

    await a.presence.stop();
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('policy')).toBe(false);
    expect(b.presence.isAlive('cache')).toBe(false);
  });

  it('keeps a stage alive while another replica still serves it', async () => {
    const a = await startProcess('a');
    const a2 = await startProcess('a2');
    const b = await startProcess('b');
    a.presence.announce('provider.groq');
    a2.presence.announce('provider.groq');
    await settle(a.nc, a2.nc, b.nc);

    a.presence.withdraw('provider.groq');
    await settle(a.nc, a2.nc, b.nc);
    expect(b.presence.isAlive('provider.groq')).toBe(true);
  });

  it('forgets a stage whose process died without saying so, after the expiry', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    a.presence.announce('provider.vllm');
    await settle(a.nc, b.nc);
    expect(b.presence.isAlive('provider.vllm')).toBe(true);

    await a.nc.close(); // a crash: no goodbye, heartbeats stop
    expect(await waitFor(() => !b.presence.isAlive('provider.vllm'), 5_000)).toBe(true);
  });

  it('counts unknown stages as alive only during the warm-up after it starts', async () => {
    const a = await startProcess('a');
    expect(a.presence.isAlive('cache')).toBe(true);
    await sleep(1_600);
    expect(a.presence.isAlive('cache')).toBe(false);
  });

  it('ignores malformed heartbeats from foreign publishers', async () => {
    const a = await startProcess('a');
    const b = await startProcess('b');
    b.nc.publish(Subjects.presence, 'not json');
    b.nc.publish(Subjects.presence, JSON.stringify(null));
    b.nc.publish(Subjects.presence, JSON.stringify({ instance: 'x' }));
    await settle(b.nc, a.nc);
    await sleep(1_600); // past warm-up, so "alive" below comes from a heartbeat
    expect(a.presence.isAlive('router')).toBe(false);
    b.presence.announce('router');
    await settle(b.nc, a.nc);
    expect(a.presence.isAlive('router')).toBe(true);
  });

  it('does not throw when used after its connection closed', async () => {
    const a = await startProcess('a');
    await a.nc.close();
    expect(() => a.presence.announce('x')).not.toThrow();
    expect(() => a.presence.withdraw('x')).not.toThrow();
    await expect(a.presence.stop()).resolves.toBeUndefined();
  });
});
