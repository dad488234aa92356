import { connect, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { Subjects } from '@switchyard/contracts';
import { startNats, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchyardClient } from './client.js';
import { isSwitchyardError, type SwitchyardError } from './switchyard-error.js';

// The client against a stand-in gateway on a real NATS server, to send replies no real stage would.
let nats: ServiceHandle;
let nc: NatsConnection;
let client: SwitchyardClient;
const cancels: string[] = [];
let answer: (msg: Msg) => void = () => undefined;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  nc.subscribe(Subjects.cancel, { callback: (_err, msg) => void cancels.push(msg.string()) });
  nc.subscribe(Subjects.entry('chat.completions'), { callback: (_err, msg) => answer(msg) });
  await nc.flush();
  client = new SwitchyardClient({ nc, apiKey: 'sk-test-key-0000' });
});

afterAll(async () => {
  client?.close();
  await nc?.close();
  await nats?.stop();
});

function frame(msg: Msg, kind: string, seq: number, body = '', extra: Record<string, string> = {}): void {
  const h = headers();
  h.set('sy-frame', kind);
  h.set('sy-seq', String(seq));
  for (const [name, value] of Object.entries(extra)) h.set(name, value);
  nc.publish(msg.reply!, body, { headers: h });
}
const chunk = (content: string) =>
  JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

async function failureOf(run: () => Promise<unknown>): Promise<SwitchyardError> {
  try {
    await run();
  } catch (err) {
    if (isSwitchyardError(err)) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}
async function drain(stream: AsyncIterable<unknown>, seen: unknown[] = []): Promise<unknown[]> {
  for await (const c of stream) seen.push(c);
  return seen;
}

describe('SwitchyardClient', () => {
  it('sends the key, its request id and its deadline as the documented headers', async () => {
    let received: Msg | undefined;
    answer = (msg) => {
      received = msg;
      frame(msg, 'response', 0, JSON.stringify({ object: 'chat.completion', choices: [] }), {
        'sy-status': '200',
      });
    };
    await client.chat(request, {
      requestId: 'req-1',
      timeoutMs: 1_234,
      headers: { 'x-switchyard-tags': 'nightly' },
    });
    expect(received!.headers!.get('authorization')).toBe('Bearer sk-test-key-0000');
    expect(received!.headers!.get('x-request-id')).toBe('req-1');
    expect(received!.headers!.get('x-switchyard-timeout-ms')).toBe('1234');
    expect(received!.headers!.get('x-switchyard-tags')).toBe('nightly');
    expect(received!.json()).toMatchObject({ model: 'm', stream: false });
  });

  it('fails a stream whose frames have a gap, after the chunks before it, and cancels it', async () => {
    answer = (msg) => {
      frame(msg, 'chunk', 0, chunk('one'));
      frame(msg, 'chunk', 2, chunk('three'));
    };
    const seen: unknown[] = [];
    const err = await failureOf(() => drain(client.stream(request, { requestId: 'gap-1' }), seen));
    expect(err).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(err.message).toContain('frame 1 is missing');
    expect(seen).toHaveLength(1);
    await expect.poll(() => cancels).toContain('gap-1');
  });

  it('throws an error frame met midway, with its status, code and OpenAI body', async () => {
    answer = (msg) => {
      frame(msg, 'chunk', 0, chunk('partial'));
      const body = {
        error: { message: 'Slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      };
      frame(msg, 'error', 1, JSON.stringify(body), {
        'sy-status': '429',
        'sy-error-code': 'rate_limited',
        'sy-retry-after-ms': '1500',
      });
    };
    const err = await failureOf(() => drain(client.stream(request)));
    expect(err).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfterMs: 1_500,
      message: 'Slow down',
    });
    expect(err.body.error.type).toBe('rate_limit_error');
  });

  it('gives up at its deadline with a 504 and cancels the request', async () => {
    answer = () => undefined;
    const started = Date.now();
    const err = await failureOf(() => client.chat(request, { timeoutMs: 200, requestId: 'late-1' }));
    expect(err).toMatchObject({ status: 504, code: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await expect.poll(() => cancels).toContain('late-1');
  });

  it('leaving a stream early cancels it', async () => {
    answer = (msg) => {
      frame(msg, 'chunk', 0, chunk('one'));
      frame(msg, 'chunk', 1, chunk('two'));
    };
    for await (const _ of client.stream(request, { requestId: 'early-1' })) break;
    await expect.poll(() => cancels).toContain('early-1');
  });

  it('says 503 at once when nothing serves the entry subject', async () => {
    const err = await failureOf(() => client.embeddings({ model: 'e', input: 'x' }));
    expect(err).toMatchObject({ status: 503, code: 'unavailable' });
  });
});
