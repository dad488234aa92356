import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceHandle } from '../service-handle.js';
import { sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { handleOllamaChat } from './ollama-chat.js';
import { handleOllamaEmbed } from './ollama-embed.js';
import { readFakeRequest, type RecordedFakeRequest } from '../fake-server/read-fake-request.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeOllamaOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (as a proxy in front of Ollama would ask), else 401. */
  apiKey?: string;
  /** Delay before each stream line. */
  chunkDelayMs?: number;
}

export type RecordedOllamaRequest = RecordedFakeRequest;

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
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { signal, path, recorded } = await readFakeRequest(req, res);
    requests.push(recorded);
    const { body } = recorded;

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
      return handleOllamaChat(body, { res, signal: signal, chunkDelayMs: options.chunkDelayMs ?? 0 });
    }
    if (req.method === 'POST' && path === '/api/embed') {
      if (!isRecord(body))
        return sendJson(res, 400, { error: 'invalid character looking for beginning of value' });
      return handleOllamaEmbed(body, { res, signal: signal });
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  }

  const { url, stop } = await startFakeServer(handle, (res) =>
    sendJson(res, 500, { error: 'internal error' }),
  );
  return { url, requests, stop };
}
