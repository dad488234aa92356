import { jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

// Streams, KV buckets and object stores, created with the copies `jetstream.replicas` asks for, or
// brought to them when an earlier run created them otherwise.

export const nanos = (ms: number): number => Math.round(ms * 1_000_000);

/** The server's answer to a stream of more than one replica when it is not in a cluster. */
const REPLICAS_NOT_SUPPORTED = 10074;

/**
 * What a service fails to start with when NATS cannot keep `jetstream.replicas` copies: a mistake
 * in the config, not an outage to run through.
 */
class ReplicasRefusedError extends Error {
  override name = 'ReplicasRefusedError';
  constructor(replicas: number, options?: ErrorOptions) {
    super(
      `jetstream.replicas is ${replicas}, but the NATS server is not part of a JetStream cluster, which ` +
        `keeps one copy only: set jetstream.replicas to 1, or run a NATS cluster of at least ${replicas} nodes.`,
      options,
    );
  }
}

export const isReplicasRefused = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'ReplicasRefusedError';

/** The server refused a stream's replicas because it is not clustered. */
const refusesReplicas = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'JetStreamApiError' &&
  (err as { code?: unknown }).code === REPLICAS_NOT_SUPPORTED;

/**
 * Brings an existing stream to `replicas` copies. A server outside a cluster accepts such an
 * update without complaint and keeps one copy regardless, so that case is refused here.
 */
async function ensureReplicas(jsm: JetStreamManager, stream: string, replicas: number): Promise<void> {
  const { config, cluster } = await jsm.streams.info(stream);
  if (replicas > 1 && cluster === undefined) throw new ReplicasRefusedError(replicas);
  if (config.num_replicas !== replicas) await jsm.streams.update(stream, { num_replicas: replicas });
}

/**
 * Opens a KV bucket or an object store with `open`, which creates it with `replicas` when it is
 * missing. The kv and obj clients bind to an existing bucket as it is, never updating it, so its
 * underlying stream (`KV_<bucket>`, `OBJ_<bucket>`) is brought to `replicas` here, through the
 * JetStream manager.
 */
export async function openWithReplicas<T>(
  nc: NatsConnection,
  stream: string,
  replicas: number,
  open: () => Promise<T>,
): Promise<T> {
  try {
    const opened = await open();
    await ensureReplicas(await jetstreamManager(nc), stream, replicas);
    return opened;
  } catch (err) {
    throw refusesReplicas(err) ? new ReplicasRefusedError(replicas, { cause: err }) : err;
  }
}

/**
 * Creates a stream, or brings an existing one (another replica's, an earlier run's) to this config,
 * its `num_replicas` included.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Retried as an update, a stream of more replicas than an unclustered server keeps would pass.
    if (refusesReplicas(err)) throw new ReplicasRefusedError(config.num_replicas ?? 1, { cause: err });
    const { name, retention: _r, storage: _s, ...update } = config;
    try {
      await jsm.streams.update(name, update);
    } catch {
      throw err;
    }
  }
}
