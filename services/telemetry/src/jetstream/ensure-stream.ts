import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';

export const nanos = (ms: number): number => Math.round(ms * 1_000_000);

/** Creates a stream, or brings an existing one (another replica's, an earlier run's) to this config. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    const { name, retention: _r, storage: _s, ...update } = config;
    try {
      await jsm.streams.update(name, update);
    } catch {
      throw err;
    }
  }
}
