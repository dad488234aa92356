import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { natsSearchDirs, startLocalNats } from './local-nats.js';

describe('the local nats-server npm start runs when NATS_URL is unset', () => {
  it('starts with JetStream and an 8 MB payload limit, data under the given folder, and stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const nats = await startLocalNats({ dataDir, searchDirs: natsSearchDirs(process.env['PATH']) });
    try {
      const nc = await connect({ servers: nats.url });
      expect(nc.info?.jetstream).toBe(true);
      expect(nc.info?.max_payload).toBe(8 * 1024 * 1024);
      await nc.close();
      expect(readFileSync(join(dataDir, 'nats.conf'), 'utf8')).toContain(join(dataDir, 'jetstream'));
    } finally {
      await nats.stop();
    }
    await expect(connect({ servers: nats.url, reconnect: false, timeout: 500 })).rejects.toThrow();
  });

  it('says how to get NATS when no nats-server binary is found', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    await expect(startLocalNats({ dataDir, searchDirs: ['/nonexistent'] })).rejects.toThrow(
      /apt-get install nats-server[\s\S]*NATS_URL=/,
    );
  });
});
