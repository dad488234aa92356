import { RequestCompleted, Subjects } from '@switchyard/contracts';
import {
  expectMatchesOpenAISpec,
  startFakeOpenAI,
  startNats,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway, type TestGateway } from './gateway.js';

// A WebSocket client's view: the `ws` package, the frames of docs/websocket.md, the real pipeline.
const KEY = 'sk-ws-e2e-0123456789';

interface Frame {
  type: string;
  id?: string;
  status?: number;
  data?: unknown;
  error?: { message: string; code: string | null };
  headers?: Record<string, string>;
}
interface Chunk {
  choices: { delta: { content?: string } }[];
}

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
const events: RequestCompleted[] = [];

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ chunkDelayMs: 2 });
  gw = await startGateway(nats.url, {
    keys: [{ id: 'ws', key: KEY, models: ['*'] }],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url } },
    models: {
      chat: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      embed: { deployments: [{ provider: 'upstream', model: 'text-embedding-3-small' }] },
      'up/*': { deployments: [{ provider: 'upstream' }] },
    },
  });
  gw.nc.subscribe(Subjects.events.requestCompleted, {
    callback: (_err, msg) => void events.push(RequestCompleted.parse(msg.json())),
  });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

/** Opens a socket and collects its frames; `answers` resolves once every named id has its last frame. */
async function open(headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  const ws = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/v1/ws`, { headers });
  const frames: Frame[] = [];
  const listeners = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const until = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      const listener = () => {
        if (!check()) return;
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
      listener();
    });
  const isLast = (f: Frame) => f.type === 'done' || f.type === 'response' || f.type === 'error';
  return {
    ws,
    frames,
    closed,
    send: (frame: object) => ws.send(JSON.stringify(frame)),
    until,
    answers: (ids: string[]) => until(() => ids.every((id) => frames.some((f) => f.id === id && isLast(f)))),
    of: (id: string) => frames.filter((f) => f.id === id),
  };
}

const chat = (content: string, extra: object = {}) => ({
  model: 'chat',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('WebSocket API through every service', () => {
  it('serves 50 interleaved requests on one socket, streamed and whole, each answer intact under its id', async () => {
    const socket = await open();
    await socket.until(() => socket.frames.some((f) => f.type === 'ready'));
    const ids = Array.from({ length: 50 }, (_, i) => `r${i}`);
    ids.forEach((id, i) => {
      if (i % 5 === 4)
        socket.send({ type: 'request', id, op: 'embeddings', body: { model: 'embed', input: id } });
      else socket.send({ type: 'request', id, body: chat(`message ${i}`, { stream: i % 2 === 0 }) });
    });
    await socket.answers(ids);

    ids.forEach((id, i) => {
      const frames = socket.of(id);
      expect(frames[0]!.headers?.['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      if (i % 5 === 4) {
        expect(frames).toHaveLength(1);
        expect(frames[0]).toMatchObject({ type: 'response', status: 200, data: { object: 'list' } });
      } else if (i % 2 === 0) {
        expect(frames.at(-1)!.type).toBe('done');
        const chunks = frames.slice(0, -1);
        expect(chunks.every((f) => f.type === 'chunk')).toBe(true);
        chunks.forEach((f) => expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', f.data));
        const text = chunks.map((f) => (f.data as Chunk).choices[0]?.delta.content ?? '').join('');
        expect(text).toBe(`Echo: message ${i}`);
      } else {
        expect(frames).toHaveLength(1);
        expectMatchesOpenAISpec('CreateChatCompletionResponse', frames[0]!.data);
        expect(frames[0]).toMatchObject({
          type: 'response',
          status: 200,
          data: { choices: [{ message: { content: `Echo: message ${i}` } }] },
        });
      }
    });
    // Frames of different requests did interleave: the socket really multiplexed them.
    const withId = socket.frames.filter((f) => f.id !== undefined);
    const firstDone = withId.findIndex((f) => f.type === 'done');
    expect(new Set(withId.slice(0, firstDone).map((f) => f.id)).size).toBeGreaterThan(1);
    socket.ws.close();
  });

  it('a cancel frame, or closing the socket, makes the worker abort its upstream call', async () => {
    const socket = await open();
    const hangs = () => fake.requests.filter((r) => (r.body as { model?: string }).model === 'hang').length;
    const before = hangs();
    socket.send({ type: 'request', id: 'cancel-me', body: chat('wait', { model: 'up/hang' }) });
    await expect.poll(hangs).toBe(before + 1);
    socket.send({ type: 'cancel', id: 'cancel-me' });
    await socket.answers(['cancel-me']);
    const [frame] = socket.of('cancel-me');
    expect(frame).toMatchObject({ type: 'error', status: 499, error: { code: 'cancelled' } });
    const cancelledId = frame!.headers!['x-request-id'];
    await expect
      .poll(() => events.find((e) => e.request_id === cancelledId))
      .toMatchObject({ status: 499, error_code: 'cancelled', provider: 'upstream' });

    socket.send({ type: 'request', id: 'left', body: chat('wait', { model: 'up/hang' }) });
    await expect.poll(hangs).toBe(before + 2);
    const cancelledBefore = events.filter((e) => e.error_code === 'cancelled').length;
    socket.ws.close();
    await expect
      .poll(() => events.filter((e) => e.error_code === 'cancelled').length)
      .toBe(cancelledBefore + 1);
  });

  it('refuses a bad key at connect with an error frame and close code 4401', async () => {
    const socket = await open({ authorization: 'Bearer sk-not-a-key-000000' });
    expect(await socket.closed).toBe(4401);
    expect(socket.frames).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 401,
        error: expect.objectContaining({ code: 'invalid_api_key' }),
      }),
    ]);
  });

  it('authenticates a browser-style client by its first frame', async () => {
    const socket = await open({});
    socket.send({ type: 'auth', api_key: KEY });
    socket.send({ type: 'request', id: 'b', body: chat('from a browser') });
    await socket.answers(['b']);
    expect(socket.frames[0]).toEqual({ type: 'ready' });
    expect(socket.of('b')[0]).toMatchObject({
      type: 'response',
      data: { choices: [{ message: { content: 'Echo: from a browser' } }] },
    });
    socket.ws.close();
  });
});
