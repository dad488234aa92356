import { GatewayError, Headers } from '@switchyard/contracts';
import { startNats } from '@switchyard/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from './connect.js';
import type { Frame } from './frame.js';
import { createReplier } from './replier.js';
import { createReplyInbox } from './reply-inbox.js';

let nats: { url: string; stop(): Promise<void> };
/** The requester (the ingress). */
let requester: NatsConnection;
/** The answering stage, another process. */
let stage: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  requester = await connect({ servers: nats.url, name: 'inbox-test-requester' });
  stage = await connect({ servers: nats.url, name: 'inbox-test-stage' });
});

afterAll(async () => {
  await requester?.close();
  await stage?.close();
  await nats?.stop();
});

async function settle(): Promise<void> {
  await stage.flush();
  await requester.flush();
}

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (f: Frame | GatewayError): string =>
  f instanceof GatewayError ? `error:${f.code}` : `${f.kind}:${new TextDecoder().decode(f.data)}`;

describe('createReplyInbox', () => {
  it('routes each request’s frames to its own handler', async () => {
    const inbox = createReplyInbox(requester);
    await requester.flush();
    const a: string[] = [];
    const b: string[] = [];
    const ra = inbox.open((f) => a.push(text(f)));
    const rb = inbox.open((f) => b.push(text(f)));
    expect(ra.subject).not.toBe(rb.subject);

    const replyA = createReplier(stage, ra.subject, undefined);
    const replyB = createReplier(stage, rb.subject, undefined);
    replyA.chunk(enc('a1'));
    replyB.response(enc('b-whole'));
    replyA.chunk(enc('a2'));
    replyA.done();
    await settle();

    expect(a).toEqual(['chunk:a1', 'chunk:a2', 'done:']);
    expect(b).toEqual(['response:b-whole']);
    inbox.stop();
  });

  it('stops delivering to a handler after close(), leaving the others open', async () => {
    const inbox = createReplyInbox(requester);
    await requester.flush();
    const a: string[] = [];
    const b: string[] = [];
    const ra = inbox.open((f) => a.push(text(f)));
    const rb = inbox.open((f) => b.push(text(f)));
    const replyA = createReplier(stage, ra.subject, undefined);
    const replyB = createReplier(stage, rb.subject, undefined);

    replyA.chunk(enc('before'));
    await settle();
    ra.close();
    replyA.chunk(enc('after'));
    replyB.chunk(enc('still'));
    await settle();

    expect(a).toEqual(['chunk:before']);
    expect(b).toEqual(['chunk:still']);
    inbox.stop();
  });

  it('stop() ends delivery for every open reply', async () => {
    const inbox = createReplyInbox(requester);
    await requester.flush();
    const got: string[] = [];
    const r = inbox.open((f) => got.push(text(f)));
    inbox.stop();
    await requester.flush();
    createReplier(stage, r.subject, undefined).chunk(enc('x'));
    await settle();
    expect(got).toEqual([]);
  });

  it('gives distinct subjects across inboxes of different processes', async () => {
    const other = await connect({ servers: nats.url });
    try {
      const one = createReplyInbox(requester);
      const two = createReplyInbox(other);
      const s1 = one.open(() => undefined).subject;
      const s2 = two.open(() => undefined).subject;
      expect(s1).not.toBe(s2);
      one.stop();
      two.stop();
    } finally {
      await other.close();
    }
  });

  it('hands the handler an unavailable error when nobody consumes the subject it published to', async () => {
    const inbox = createReplyInbox(requester);
    await requester.flush();
    const got: (Frame | GatewayError)[] = [];
    const r = inbox.open((f) => got.push(f));
    requester.publish('llm.v1.test-nobody.chat.completions', '{}', { reply: r.subject });
    await requester.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await requester.flush();

    expect(got).toHaveLength(1);
    expect(got[0]).toBeInstanceOf(GatewayError);
    expect((got[0] as GatewayError).code).toBe('unavailable');
    inbox.stop();
  });

  it('delivers the error frame of a stage with its status and code decoded', async () => {
    const inbox = createReplyInbox(requester);
    await requester.flush();
    const got: (Frame | GatewayError)[] = [];
    const r = inbox.open((f) => got.push(f));
    createReplier(stage, r.subject, undefined).error(new GatewayError('forbidden', 'Model not allowed.'));
    await settle();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'error', seq: 0, status: 403, errorCode: 'forbidden' });
    expect((got[0] as Frame).headers?.get(Headers.errorCode)).toBe('forbidden');
    inbox.stop();
  });
});
