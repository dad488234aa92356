import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import {
  callAdmin,
  claimCheckOf,
  connectBus,
  createPresence,
  natsHeaders,
  type NatsConnection,
  type Presence,
} from '@switchyard/bus';
import { SERVICES } from '@switchyard/cli';
import { parseConfig, type SwitchyardConfig } from '@switchyard/config';
import {
  BATCHES_BUCKET,
  BATCH_ANSWERS_STREAM,
  BATCH_ITEMS_STREAM,
  BATCH_RESULTS_BUCKET,
  BODY_BUCKET,
  FILES_BUCKET,
  ROUTES_BUCKET,
  Subjects,
} from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import { createFileStore } from '@switchyard/store';
import { getFreePort, startNats, waitUntil, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `jetstream.replicas: 3` on a three-node cluster: every stream, KV bucket and object store the
// services create keeps three copies, so losing a node leaves admin writes working.
const log = createLogger({ name: 'test', level: 'silent' });
const config = (replicas: number): SwitchyardConfig =>
  parseConfig({
    master_key: 'sk-master-replicas',
    jetstream: { replicas },
    telemetry: { port: 0, request_log: { record_content: true } },
  });
const WITH_ASSETS = ['telemetry', 'router', 'policy', 'batch'] as const;
/** Policy's keys bucket (services/policy/src/keys/key-directory.ts). */
const KEYS_BUCKET = 'switchyard_keys';

let nodes: ServiceHandle[] = [];
let nc: NatsConnection;
let jsm: JetStreamManager;
let presence: Presence;
const running: RunningService[] = [];

async function startCluster(): Promise<ServiceHandle[]> {
  const routePorts = await Promise.all([0, 1, 2].map(() => getFreePort()));
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
  return Promise.all(
    routePorts.map((port, i) =>
      startNats({
        ignoreEnv: true,
        extraConfig: [
          `server_name: sy-replicas-${i + 1}`,
          `cluster { name: switchyard, listen: "127.0.0.1:${port}", routes: [${routes}] }`,
        ].join('\n'),
      }),
    ),
  );
}

const streamReplicas = async (): Promise<Record<string, number>> => {
  const replicas: Record<string, number> = {};
  for await (const info of jsm.streams.list()) replicas[info.config.name] = info.config.num_replicas;
  return replicas;
};

beforeAll(async () => {
  nodes = await startCluster();
  nc = await connectBus({
    url: nodes.map((n) => n.url).join(','),
    name: 'replicas-test',
    log,
    jetstreamReplicas: 3,
  });
  // Until the nodes have elected a JetStream meta leader, JetStream does not answer.
  jsm = await jetstreamManager(nc, { checkAPI: false });
  await waitUntil(
    () =>
      jsm.getAccountInfo().then(
        () => true,
        () => false,
      ),
    { timeoutMs: 20_000 },
  );
  // An earlier run's routes bucket, of one copy: the router must bring it to three.
  await new Kvm(nc).create(ROUTES_BUCKET, { history: 1 });
  presence = createPresence(nc);
  for (const name of WITH_ASSETS)
    running.push(await SERVICES[name]({ nc, presence, log, config: config(3) }));
}, 60_000);

afterAll(async () => {
  for (const service of running.reverse()) await service.stop().catch(() => undefined);
  await presence?.stop();
  await nc?.close();
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('jetstream.replicas: 3 on a three-node cluster', () => {
  it('keeps three copies of every stream, KV bucket and object store', async () => {
    // The object stores open on first use: a large body, a file listing.
    const headers = natsHeaders();
    await claimCheckOf(nc).put(new Uint8Array(16), headers);
    await createFileStore(nc, 86_400_000, config(3).jetstream.replicas).list();

    const replicas = await streamReplicas();
    expect(Object.keys(replicas)).toEqual(
      expect.arrayContaining([
        'SWITCHYARD_EVENTS',
        'SWITCHYARD_REQUESTS',
        `KV_${KEYS_BUCKET}`,
        `KV_${ROUTES_BUCKET}`,
        `OBJ_${BODY_BUCKET}`,
        `OBJ_${FILES_BUCKET}`,
        BATCH_ITEMS_STREAM,
        BATCH_ANSWERS_STREAM,
        `KV_${BATCHES_BUCKET}`,
        `KV_${BATCH_RESULTS_BUCKET}`,
      ]),
    );
    expect(Object.entries(replicas).filter(([, n]) => n !== 3)).toEqual([]);
  });

  it('still takes an admin write with one node down', async () => {
    // The node leading the keys stream: with one copy, the only one. A new leader is elected in seconds.
    const { cluster } = await jsm.streams.info(`KV_${KEYS_BUCKET}`);
    const leader = Number(/^sy-replicas-(\d)$/.exec(cluster?.leader ?? '')?.[1]);
    await nodes[leader - 1]!.stop();
    let created: { status: number } | undefined;
    await waitUntil(
      async () => {
        created = await callAdmin(
          nc,
          Subjects.admin.keys.create,
          { id: 'after-node-loss' },
          { service: 'policy', timeoutMs: 2_000 },
        ).catch(() => undefined);
        return created !== undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(created?.status).toBe(201);
    // Listing the bucket opens a consumer, which the cluster may still refuse for a few seconds.
    let keys: string[] = [];
    await waitUntil(
      async () => {
        try {
          keys = [];
          for await (const key of await (await new Kvm(nc).open(KEYS_BUCKET)).keys()) keys.push(key);
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000 },
    );
    expect(keys.some((k) => k.endsWith('after-node-loss'))).toBe(true);
  }, 60_000);
});

describe('jetstream.replicas above 1 on a single server', () => {
  it('stops a service from starting, naming the setting', async () => {
    const single = await startNats({ ignoreEnv: true });
    const own = await connectBus({ url: single.url, name: 'single', log });
    try {
      const deps = { nc: own, presence: createPresence(own), log, config: config(3) };
      await expect(SERVICES.policy(deps)).rejects.toThrow(/jetstream\.replicas is 3/);
      await expect(SERVICES.telemetry(deps)).rejects.toThrow(/jetstream\.replicas is 3/);
      await deps.presence.stop();
    } finally {
      await own.close();
      await single.stop();
    }
  });
});
