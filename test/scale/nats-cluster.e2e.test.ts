import {
  getFreePort,
  startFakeOpenAI,
  startNats,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REQUEST_TIMEOUT_MS,
  STAGES,
  startIngress,
  startLoad,
  startStage,
  startWorker,
  stopAll,
  summarize,
  waitUntilServing,
  writeConfig,
} from './stack.js';

// Three nats-server processes with routes between them, the services spread over the nodes (each
// client picks a node from the URL list at random), then one node killed under load.
interface Node extends ServiceHandle {
  /** The node's monitoring endpoint (connections per client). */
  monitorUrl: string;
}
let nodes: Node[] = [];
let upstream: FakeOpenAI;
let ingressUrl: string;

async function startCluster(): Promise<Node[]> {
  const routePorts = await Promise.all([0, 1, 2].map(() => getFreePort()));
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
  return Promise.all(
    routePorts.map(async (port, i) => {
      const monitorPort = await getFreePort();
      const node = await startNats({
        ignoreEnv: true,
        extraConfig: [
          `server_name: sy-${i + 1}`,
          `http: "127.0.0.1:${monitorPort}"`,
          `cluster { name: switchyard, listen: "127.0.0.1:${port}", routes: [${routes}] }`,
        ].join('\n'),
      });
      return { ...node, monitorUrl: `http://127.0.0.1:${monitorPort}` };
    }),
  );
}

const clientsOf = async (node: Node): Promise<number> =>
  ((await (await fetch(`${node.monitorUrl}/connz`)).json()) as { num_connections: number }).num_connections;

beforeAll(async () => {
  nodes = await startCluster();
  upstream = await startFakeOpenAI({ latencyMs: 100 });
  const env = {
    NATS_URL: nodes.map((n) => n.url).join(','),
    SWITCHYARD_CONFIG: writeConfig({ upstream: upstream.url }),
  };
  await Promise.all([
    ...STAGES.map((s) => startStage(s, env)),
    startWorker(env),
    startWorker(env, 'worker-2'),
  ]);
  ingressUrl = (await startIngress(env))[1];
  await waitUntilServing(ingressUrl);
}, 180_000);

afterAll(async () => {
  await stopAll();
  await upstream?.stop();
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('a three-node NATS cluster', () => {
  it('keeps serving when one node is killed: clients move to the others', async () => {
    const load = startLoad(8, () => ingressUrl);
    await new Promise((r) => setTimeout(r, 1_500));
    // The node most services are connected to: its loss is the one that matters.
    const clients = await Promise.all(nodes.map(clientsOf));
    const victim = nodes[clients.indexOf(Math.max(...clients))]!;
    expect(Math.max(...clients)).toBeGreaterThanOrEqual(3);
    const killedAt = Date.now();
    await victim.stop();
    await new Promise((r) => setTimeout(r, 6_000));
    const answers = await load.stop();
    console.log(
      `NATS cluster, the node holding ${Math.max(...clients)} of ${clients.reduce((a, b) => a + b)} ` +
        `connections killed: ${answers.length} requests ${JSON.stringify(summarize(answers))}`,
    );

    expect(answers.filter((a) => a.hung || a.status === 0)).toEqual([]);
    // Requests caught on the killed node's connections end cleanly, within their deadline.
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect([502, 503, 504]).toContain(a.status);
      expect(a.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    }
    // Once the clients have reconnected to the other nodes, everything is served.
    const settled = answers.filter((a) => a.startedAt > killedAt + 3_000);
    expect(settled.length).toBeGreaterThan(10);
    expect(settled.every((a) => a.status === 200)).toBe(true);
  }, 180_000);
});
