import { afterEach, describe, expect, it } from 'vitest';
import { sendJson } from '../fake-openai/http-io.js';
import { parseJson } from './parse-json.js';
import { startFakeServer, type FakeServer } from './start-fake-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('startFakeServer', () => {
  it('serves on a local port, numbering the requests from 1', async () => {
    server = await startFakeServer(
      async (_req, res, n) => sendJson(res, 200, { n }),
      (res) => sendJson(res, 500, {}),
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(server.url)).json()).toEqual({ n: 1 });
    expect(await (await fetch(server.url)).json()).toEqual({ n: 2 });
  });

  it('answers a failed handler with the provider’s 500 while nothing was sent', async () => {
    server = await startFakeServer(
      async () => {
        throw new Error('boom');
      },
      (res, n) => sendJson(res, 500, { error: `failed ${n}` }),
    );
    const res = await fetch(server.url);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'failed 1' });
  });

  it('stops once, ending held connections', async () => {
    server = await startFakeServer(
      () => new Promise<void>(() => {}),
      (res) => sendJson(res, 500, {}),
    );
    const held = fetch(server.url).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
    expect(await held).toBeInstanceOf(Error);
  });
});

describe('parseJson', () => {
  it('tells JSON from text', () => {
    expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson('null')).toEqual({ ok: true, value: null });
    expect(parseJson('')).toEqual({ ok: false });
    expect(parseJson('nope')).toEqual({ ok: false });
  });
});
