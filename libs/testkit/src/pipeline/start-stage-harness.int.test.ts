import { startStage } from '@switchyard/bus';
import { Headers } from '@switchyard/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from './silent-log.js';
import { startStageHarness, type StageHarness } from './start-stage-harness.js';

// A stage under test that forwards `in.<stage>` to that stage, or streams two chunks and done.
let h: StageHarness;

beforeAll(async () => {
  h = await startStageHarness({
    name: 'forwarder',
    start: ({ nc, presence }) =>
      startStage({
        nc,
        presence,
        log: silentLog,
        name: 'forwarder',
        queue: 'forwarder',
        subjects: ['test.in.*'],
        handle: (req) => {
          const to = req.subject.slice('test.in.'.length);
          if (to !== 'stream') {
            req.headers.set(Headers.keyId, 'stamped');
            return { forward: `test.${to}`, stage: to };
          }
          req.reply.chunk(new TextEncoder().encode('a'));
          req.reply.chunk(new TextEncoder().encode('b'));
          req.reply.done();
          return undefined;
        },
      }),
    downstream: [
      { name: 'one', subject: 'test.one' },
      { name: 'two', subject: 'test.two', respondWith: '{"from":"two"}' },
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.received.length = 0;
});

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

describe('startStageHarness', () => {
  it('records what the stage under test forwarded, in order across the fake stages', async () => {
    const one = await h.send('test.in.one', 'first', { [Headers.requestId]: 'r1' });
    const two = await h.send('test.in.two', 'second');
    expect(text(one.data)).toBe('{"ok":true}');
    expect(text(two.data)).toBe('{"from":"two"}');
    expect(h.received).toEqual([
      {
        subject: 'test.one',
        body: 'first',
        headers: { [Headers.requestId]: 'r1', [Headers.keyId]: 'stamped' },
      },
      { subject: 'test.two', body: 'second', headers: { [Headers.keyId]: 'stamped' } },
    ]);
  });

  it('resolves with the terminal frame of a streamed reply', async () => {
    const frame = await h.send('test.in.stream', '');
    expect([frame.kind, frame.seq]).toEqual(['done', 2]);
  });
});
