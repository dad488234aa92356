import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { handleChatCompletions } from './chat-completions.js';
import { handleEmbeddings } from './embeddings.js';
import { readBody, sendFailure, sendJson } from './http-io.js';
import { isRecord } from './message-text.js';
import { incorrectApiKey, invalidUrl, malformedJson, serverError } from './openai-errors.js';

export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401 invalid_api_key. */
  apiKey?: string;
  /** Delay before answering any request. */
  latencyMs?: number;
  /** Delay before each stream chunk. */
  chunkDelayMs?: number;
}

/** One request as the fake received it, for assertions on what a gateway sent upstream. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
}

export interface FakeOpenAI extends ServiceHandle {
  /** Base URL ending in /v1, as the OpenAI SDK's `baseURL` expects. */
  readonly url: string;
  readonly requests: RecordedRequest[];
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'];

/** A local server speaking OpenAI's chat-completions and embeddings wire formats; see the handlers. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let seq = 0;
  const server = createServer((req, res) => {
    const n = ++seq;
    res.setHeader('x-request-id', `req_fake_${n}`);
    handle(req, res, n).catch(() => {
      // Aborted waits land here when the client left or the server stopped: nothing to answer.
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, serverError());
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    requests.push({
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: parsed.ok ? parsed.value : raw || undefined,
    });

    if (options.apiKey !== undefined) {
      const provided = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (provided !== options.apiKey) return sendFailure(res, incorrectApiKey(provided));
    }
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal: aborter.signal });

    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, modelList());
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (!parsed.ok || !isRecord(parsed.value)) return sendFailure(res, malformedJson());
      const model = typeof parsed.value.model === 'string' ? parsed.value.model : '';
      const meta = { id: `chatcmpl-fake${String(n).padStart(6, '0')}`, created: nowSeconds(), model };
      return handleChatCompletions(parsed.value, {
        res,
        signal: aborter.signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        meta,
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (!parsed.ok || !isRecord(parsed.value)) return sendFailure(res, malformedJson());
      return handleEmbeddings(parsed.value, { res, signal: aborter.signal });
    }
    return sendFailure(res, invalidUrl(req.method ?? '', path));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  // closeAllConnections destroys sockets held by `hang` requests and keep-alive clients, which
  // would otherwise keep close() waiting forever.
  const stop = once(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${port}/v1`, requests, stop };
}

function modelList(): object {
  return {
    object: 'list',
    data: MODELS.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })),
  };
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
