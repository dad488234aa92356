import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { readBody, sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { cohereError, invalidToken } from './cohere-errors.js';
import { handleCohereChat, sendCohereFailure } from './cohere-chat.js';
import { handleCohereEmbed } from './cohere-embed.js';

export interface FakeCohereOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Delay before each stream event. */
  chunkDelayMs?: number;
}

export interface RecordedCohereRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeCohere extends ServiceHandle {
  /** The server's base URL, as `CohereClientV2({environment})` and our `base_url` take it. */
  readonly url: string;
  readonly requests: RecordedCohereRequest[];
}

/**
 * A local server speaking Cohere's v2 chat API (JSON answers, typed SSE events, `{message}`
 * errors) and its v2 embed API.
 */
export async function startFakeCohere(options: FakeCohereOptions = {}): Promise<FakeCohere> {
  const requests: RecordedCohereRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { message: 'internal server error' });
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
      return sendCohereFailure(res, invalidToken());
    }
    if (req.method === 'POST' && path === '/v2/chat') {
      if (!isRecord(body))
        return sendCohereFailure(res, cohereError(400, 'invalid request: body must be a JSON object.'));
      return handleCohereChat(body, { res, signal: aborter.signal, chunkDelayMs: options.chunkDelayMs ?? 0 });
    }
    if (req.method === 'POST' && path === '/v2/embed') {
      if (!isRecord(body))
        return sendCohereFailure(res, cohereError(400, 'invalid request: body must be a JSON object.'));
      return handleCohereEmbed(body, { res, signal: aborter.signal });
    }
    sendCohereFailure(res, cohereError(404, `route ${req.method ?? ''} ${path} not found`));
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
