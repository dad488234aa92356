import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

// A batch job's view: the plain NATS client, the documented subject, headers and frames.
const KEY = 'sk-batch-e2e-0123456789';
let nats: ServiceHandle;
let gw: TestGateway;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url, {
    keys: [{ id: 'batch', key: KEY, models: ['*'] }],
    providers: { demo: { type: 'demo', chunk_delay_ms: 0 } },
    models: { demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] } },
  });
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.drain();
  await gw?.stop();
  await nats?.stop();
});

const withKey = (key = KEY) => {
  const h = headers();
  h.set('authorization', `Bearer ${key}`);
  return h;
};
const body = (extra: object = {}) =>
  JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'from a batch job' }], ...extra });

describe('NATS entry for batch jobs', () => {
  it('answers a request published to llm.v1.chat.completions with the same answer HTTP gets', async () => {
    const msg = await nc.request('llm.v1.chat.completions', body(), { headers: withKey(), timeout: 5_000 });
    expect(msg.headers?.get('sy-frame')).toBe('response');
    expect(msg.headers?.get('sy-seq')).toBe('0');
    const answer = msg.json<{ object: string; choices: { message: { content: string } }[] }>();
    expect(answer.object).toBe('chat.completion');

    const http = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body(),
    });
    const viaHttp = (await http.json()) as typeof answer;
    expect(answer.choices[0]!.message.content).toBe(viaHttp.choices[0]!.message.content);
  });

  it('streams as ordered chunk frames ending in a done frame', async () => {
    const inbox = createInbox();
    const sub = nc.subscribe(inbox, { timeout: 5_000 });
    nc.publish('llm.v1.chat.completions', body({ stream: true }), { reply: inbox, headers: withKey() });
    const kinds: string[] = [];
    let text = '';
    let expected = 0;
    for await (const frame of sub) {
      expect(Number(frame.headers?.get('sy-seq'))).toBe(expected++);
      const kind = frame.headers!.get('sy-frame');
      kinds.push(kind);
      if (kind === 'chunk')
        text += frame.json<{ choices: { delta: { content?: string } }[] }>().choices[0]?.delta.content ?? '';
      if (kind !== 'chunk') break;
    }
    sub.unsubscribe();
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((k) => k === 'chunk').length).toBeGreaterThan(3);
    expect(text).toContain('You said: from a batch job');
  });

  it('refuses a bad key with a 401 error frame in OpenAI’s shape', async () => {
    const msg = await nc.request('llm.v1.chat.completions', body(), {
      headers: withKey('sk-wrong-key-000000'),
      timeout: 5_000,
    });
    expect(msg.headers?.get('sy-frame')).toBe('error');
    expect(msg.headers?.get('sy-status')).toBe('401');
    expect(msg.json<{ error: { type: string } }>().error.type).toBe('invalid_request_error');
  });

  it('validates the body of a published request: malformed JSON gets a 400 frame', async () => {
    const msg = await nc.request('llm.v1.chat.completions', '{"model":', {
      headers: withKey(),
      timeout: 5_000,
    });
    expect(msg.headers?.get('sy-status')).toBe('400');
  });

  it('ignores identity headers a caller tries to forge', async () => {
    const h = withKey('sk-wrong-key-000000');
    h.set('sy-key-id', 'master');
    const msg = await nc.request('llm.v1.chat.completions', body(), { headers: h, timeout: 5_000 });
    expect(msg.headers?.get('sy-status')).toBe('401');
  });

  it('runs the documented example script (docs/examples/nats-chat.mjs) as written', async () => {
    const script = join(import.meta.dirname, '..', '..', 'docs', 'examples', 'nats-chat.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { PATH: process.env['PATH'] ?? '', NATS_URL: nats.url, SWITCHYARD_KEY: KEY },
      timeout: 20_000,
    });
    expect(stdout).toContain('[response 200]');
    // Once in the plain answer, once streamed.
    expect(stdout.split('You said: Hello over NATS').length - 1).toBe(2);
  });
});
