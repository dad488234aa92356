import { createReplier, type Frame } from '@switchyard/bus';
import { GatewayError, Headers } from '@switchyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats } from '../start-nats.js';
import type { ServiceHandle } from '../service-handle.js';
import { sendRequest } from './send-request.js';
import { startBusProcess, type BusProcess } from './start-bus-process.js';

let nats: ServiceHandle;
let requester: BusProcess;
/** Answers on `test.answer.<how>`, from another connection. */
let answerer: BusProcess;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

beforeAll(async () => {
  nats = await startNats();
  requester = await startBusProcess(nats.url, 'requester');
  answerer = await startBusProcess(nats.url, 'answerer');
  answerer.nc.subscribe('test.answer.*', {
    callback: (_err, msg) => {
      const reply = createReplier(answerer.nc, msg.reply, msg.headers);
      if (msg.subject.endsWith('.stream')) {
        reply.chunk(enc(msg.headers?.get(Headers.requestId) ?? ''));
        reply.chunk(enc(msg.string()));
        reply.done();
      } else if (msg.subject.endsWith('.chunk-only')) {
        reply.chunk(enc('and then nothing'));
      }
    },
  });
  await answerer.nc.flush();
});

afterAll(async () => {
  await requester?.stop();
  await answerer?.stop();
  await nats?.stop();
});

describe('sendRequest', () => {
  it('sends body and headers, and resolves with every frame up to the terminal one as they came', async () => {
    const seen: string[] = [];
    const frames = await sendRequest(
      requester.nc,
      'test.answer.stream',
      'the body',
      { [Headers.requestId]: 'req-7' },
      { onFrame: (f: Frame) => seen.push(f.kind) },
    );
    expect(frames.map((f) => [f.kind, f.seq, new TextDecoder().decode(f.data)])).toEqual([
      ['chunk', 0, 'req-7'],
      ['chunk', 1, 'the body'],
      ['done', 2, ''],
    ]);
    expect(seen).toEqual(['chunk', 'chunk', 'done']);
  });

  it('rejects with unavailable when nobody consumes the subject', async () => {
    const err = await sendRequest(requester.nc, 'test.nobody', '{}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('unavailable');
  });

  it('rejects, naming the frames it got, when no terminal frame comes in time', async () => {
    await expect(
      sendRequest(requester.nc, 'test.answer.chunk-only', '{}', {}, { timeoutMs: 200 }),
    ).rejects.toThrow('no terminal frame for test.answer.chunk-only within 200 ms (frames: chunk)');
  });
});
