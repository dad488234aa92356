import { Writable } from 'node:stream';
import { Ops, Subjects } from '@switchyard/contracts';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePipeline } from './fixtures/fake-pipeline.js';
import { COMPLETION, chunk, json } from './fixtures/openai-bodies.js';
import { startTestIngress, type TestIngress } from './fixtures/test-ingress.js';

const KEY = 'sk-service-test-0123456789';
const STREAM = JSON.stringify({
  model: 'gpt-test',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
});

let t: TestIngress | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const post = (url: string, body: string, key = KEY) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });

describe('stop()', () => {
  it('refuses new connections but lets a stream in flight finish', async () => {
    t = await startTestIngress();
    const pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.chatCompletions));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    pipeline.handle(async (req) => {
      req.reply.chunk(json(chunk('before stop')));
      await gate;
      req.reply.chunk(json(chunk('after stop')));
      req.reply.done();
    });
    const res = await post(t.url, STREAM);
    const reader = res.body!.getReader();
    await reader.read();

    let stopped = false;
    const stopping = t.ingress.stop().then(() => (stopped = true));
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    expect(stopped).toBe(false);

    release();
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      text += new TextDecoder().decode(r.value);
    expect(text).toContain('after stop');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('cuts a stream that outlives the grace period, cancelling its upstream work', async () => {
    t = await startTestIngress({ stopGraceMs: 200 });
    const pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.chatCompletions));
    pipeline.handle((req) => req.reply.chunk(json(chunk('endless'))));
    const res = await post(t.url, STREAM);
    await res.body!.getReader().read();

    const started = Date.now();
    await t.ingress.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => t!.cancels).toContain(res.headers.get('x-request-id'));
  });
});

describe('logging', () => {
  it('logs one line per request at debug, with its id and status, and never the API key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(line: Buffer, _enc, done) {
        lines.push(line.toString());
        done();
      },
    });
    t = await startTestIngress({ log: pino({ level: 'debug' }, sink) });
    const pipeline = await startFakePipeline(t.nc, Subjects.validatedEntry(Ops.chatCompletions));
    pipeline.handle((req) => req.reply.response(json(COMPLETION)));
    const ok = await post(t.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    const bad = await post(t.url, '{nope');
    const missing = await fetch(`${t.url}/nowhere?key=${KEY}`, { headers: { 'x-api-key': KEY } });
    expect([ok.status, bad.status, missing.status]).toEqual([200, 400, 404]);

    await expect.poll(() => lines.filter((l) => l.includes('"msg":"request"')).length).toBe(3);
    const requestLine = (res: Response) =>
      JSON.parse(lines.find((l) => l.includes(res.headers.get('x-request-id')!))!);
    expect(requestLine(ok)).toMatchObject({ status: 200, method: 'POST', path: '/v1/chat/completions' });
    expect(requestLine(bad)).toMatchObject({ status: 400 });
    expect(requestLine(missing)).toMatchObject({ status: 404, path: '/nowhere' });
    expect(lines.join('')).not.toContain(KEY);
  });
});
