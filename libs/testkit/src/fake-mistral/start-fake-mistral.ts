import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { readBody, sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { mistralError, unauthorized } from './mistral-errors.js';
import { handleMistralChat, sendMistralFailure } from './mistral-chat.js';
import { handleMistralEmbeddings } from './mistral-embeddings.js';

export interface FakeMistralOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Delay before each stream chunk. */
  chunkDelayMs?: number;
}

export interface RecordedMistralRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeMistral extends ServiceHandle {
  /** The server's base URL, as the SDK's `serverURL` and our `base_url` take it. */
  readonly url: string;
  readonly requests: RecordedMistralRequest[];
}

/** A local server speaking Mistral's chat completions and embeddings, strict validation and errors included. */
export async function startFakeMistral(options: FakeMistralOptions = {}): Promise<FakeMistral> {
  const requests: RecordedMistralRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed)
        sendJson(res, 500, { object: 'error', message: 'Internal server error' });
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
      return sendMistralFailure(res, unauthorized());
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (!isRecord(body))
        return sendMistralFailure(res, mistralError(400, 'Invalid JSON body', 'invalid_request_error'));
      return handleMistralChat(body, {
        res,
        signal: aborter.signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        id: randomBytes(16).toString('hex'),
        created: Math.floor(Date.now() / 1000),
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (!isRecord(body))
        return sendMistralFailure(res, mistralError(400, 'Invalid JSON body', 'invalid_request_error'));
      return handleMistralEmbeddings(body, {
        res,
        signal: aborter.signal,
        id: randomBytes(16).toString('hex'),
      });
    }
    sendJson(res, 404, { detail: 'Not Found' });
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
