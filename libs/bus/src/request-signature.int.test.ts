import { Headers, type OpenAIErrorBody } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectBus, type BusLogger, type NatsConnection } from './connect.js';
import { createPresence, type Presence } from './presence.js';
import { signRequest } from './request-signature.js';
import { startStage, type Stage } from './stage.js';

const SECRET = 'the-gateway-signing-secret-0123456789';
const SUBJECT = 'test.signed.stage';

let nats: { url: string; stop(): Promise<void> };
let nc: NatsConnection;
let presence: Presence;
let stage: Stage;
const handled: string[] = [];
const logged: string[] = [];
const log: BusLogger = {
  info: () => undefined,
  warn: (obj, msg) => logged.push(JSON.stringify({ ...obj, msg })),
  error: (obj, msg) => logged.push(JSON.stringify({ ...obj, msg })),
};

beforeAll(async () => {
  nats = await startNats();
  nc = await connectBus({ url: nats.url, name: 'signature-test', log });
  presence = createPresence(nc);
  stage = await startStage({
    nc,
    presence,
    log,
    name: 'signed',
    subjects: [SUBJECT],
    queue: 'signed',
    signingSecret: SECRET,
    handle: (req) => {
      handled.push(req.headers.get(Headers.requestId));
      req.reply.response(new TextEncoder().encode(JSON.stringify({ ok: true })));
      return undefined;
    },
  });
});

afterAll(async () => {
  await stage?.stop(100);
  await presence?.stop();
  await nc?.close();
  await nats?.stop();
});

beforeEach(() => {
  handled.length = 0;
  logged.length = 0;
});

/** Headers as policy leaves them on an admitted request, signed with `secret` when given. */
function admitted(requestId: string, secret?: string, expiresAt = Date.now() + 30_000): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.requestId, requestId);
  h.set(Headers.keyId, 'app');
  h.set(Headers.model, 'gpt-4o-mini');
  h.set(Headers.allowedModels, 'gpt-4o*');
  h.set(Headers.deadline, String(Date.now() + 30_000));
  if (secret !== undefined) signRequest(h, secret, expiresAt);
  return h;
}

async function send(h: MsgHdrs): Promise<{ status: string; body: unknown }> {
  const msg = await nc.request(SUBJECT, '{}', { headers: h, timeout: 5_000 });
  return { status: msg.headers?.get(Headers.status) ?? '', body: msg.json() };
}

async function expectRefused(h: MsgHdrs, problem: string): Promise<void> {
  const requestId = h.get(Headers.requestId);
  const { status, body } = await send(h);
  expect(status).toBe('403');
  expect((body as OpenAIErrorBody).error).toMatchObject({
    type: 'permission_error',
    message: 'The request was not admitted by the policy service.',
  });
  expect(handled).not.toContain(requestId);
  expect(logged.some((line) => line.includes(requestId) && line.includes(`"problem":"${problem}"`))).toBe(
    true,
  );
  expect(logged.join('\n')).not.toContain(SECRET);
  expect(logged.join('\n')).not.toMatch(/[0-9a-f]{64}/);
}

describe('a stage with a signing secret', () => {
  it('runs its handler for a request policy signed', async () => {
    const { body } = await send(admitted('req-good', SECRET));
    expect(body).toEqual({ ok: true });
    expect(handled).toEqual(['req-good']);
  });

  it('refuses a request signed with another secret (a forgery)', async () => {
    await expectRefused(admitted('req-forged', 'a-guess-at-the-secret-which-is-wrong'), 'invalid');
  });

  it('refuses a request whose model was changed after policy signed it', async () => {
    const h = admitted('req-tampered', SECRET);
    h.set(Headers.model, 'gpt-5-very-expensive');
    await expectRefused(h, 'invalid');
  });

  it('refuses a request whose signature has expired, even with a later deadline', async () => {
    await expectRefused(admitted('req-expired', SECRET, Date.now() - 1), 'expired');
  });

  it('refuses a request that was never signed', async () => {
    await expectRefused(admitted('req-missing'), 'missing');
  });
});
