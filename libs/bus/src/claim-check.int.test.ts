import { randomBytes } from 'node:crypto';
import { BODY_BUCKET, Headers } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimitOf, claimCheckOf, hasBodyRef } from './claim-check.js';
import type { NatsConnection } from './connect.js';

let nats: { url: string; stop(): Promise<void> };
let nc: NatsConnection;
/** Another process's connection: it reads what the first one stored. */
let other: NatsConnection;

beforeAll(async () => {
  nats = await startNats({ maxPayload: '1MB', ignoreEnv: true });
  nc = await connect({ servers: nats.url });
  other = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await other?.close();
  await nats?.stop();
});

describe('claim check', () => {
  it('claim-checks only what a message cannot carry, leaving room for headers', () => {
    const limit = bodyLimitOf(nc);
    expect(limit).toBeLessThan(1024 * 1024);
    expect(limit).toBeGreaterThan(900 * 1024);
  });

  it('stores a body, references it in headers, and another connection reads it back intact', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const h = natsHeaders();
    const payload = await claimCheckOf(nc).put(body, h);

    expect(payload.byteLength).toBe(0);
    expect(hasBodyRef(h)).toBe(true);
    expect(h.get(Headers.bodyRef)).toMatch(new RegExp(`^${BODY_BUCKET}/`));
    expect(h.get(Headers.bodyBytes)).toBe(String(body.byteLength));
    const read = await claimCheckOf(other).get(h.get(Headers.bodyRef));
    expect(Buffer.from(read!).equals(body)).toBe(true);
  });

  it('deletes an object once its request is done', async () => {
    const h = natsHeaders();
    await claimCheckOf(nc).put(randomBytes(2 * 1024 * 1024), h);
    const ref = h.get(Headers.bodyRef);

    await claimCheckOf(other).delete(ref);
    expect(await claimCheckOf(nc).get(ref)).toBeUndefined();
  });

  it('answers undefined for a reference that is missing or not ours', async () => {
    expect(await claimCheckOf(nc).get(`${BODY_BUCKET}/no-such-object`)).toBeUndefined();
    expect(await claimCheckOf(nc).get('OTHER_BUCKET/x')).toBeUndefined();
    expect(await claimCheckOf(nc).get('garbage')).toBeUndefined();
  });

  it('leaves a message without a reference alone', () => {
    expect(hasBodyRef(natsHeaders())).toBe(false);
    expect(hasBodyRef(undefined)).toBe(false);
  });
});
