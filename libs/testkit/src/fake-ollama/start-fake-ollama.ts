import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { readBody, sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { handleOllamaChat } from './ollama-chat.js';
import { handleOllamaEmbed } from './ollama-embed.js';

export interface FakeOllamaOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (as a proxy in front of Ollama would ask), else 401. */
  apiKey?: string;
  /** Delay before each stream line. */
  chunkDelayMs?: number;
}

export interface RecordedOllamaRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeOllama extends ServiceHandle {
  /** The server's base URL (`http://127.0.0.1:<port>`), as our `base_url` takes it. */
  readonly url: string;
  readonly requests: RecordedOllamaRequest[];
}

/**
 * A local server speaking Ollama's native `/api/chat` (JSON and newline-delimited JSON streams)
 * and `/api/embed`.
 */
export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const requests: RecordedOllamaRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    let body: unknown = raw || undefined;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Ollama is running');
    }
    if (req.method === 'POST' && path === '/api/chat') {
      if (!isRecord(body))
        return sendJson(res, 400, { error: 'invalid character looking for beginning of value' });
      return handleOllamaChat(body, { res, signal: aborter.signal, chunkDelayMs: options.chunkDelayMs ?? 0 });
    }
    if (req.method === 'POST' && path === '/api/embed') {
      if (!isRecord(body))
        return sendJson(res, 400, { error: 'invalid character looking for beginning of value' });
      return handleOllamaEmbed(body, { res, signal: aborter.signal });
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const stop = once(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${port}`, requests, stop };
}
