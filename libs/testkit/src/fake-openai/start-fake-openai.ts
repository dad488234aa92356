import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceHandle } from '../service-handle.js';
import { handleChatCompletions } from './chat-completions.js';
import { handleEmbeddings } from './embeddings.js';
import { sendFailure, sendJson } from './http-io.js';
import { isRecord } from './message-text.js';
import { incorrectApiKey, invalidUrl, malformedJson, serverError } from './openai-errors.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';
import { readFakeRequest, type RecordedFakeRequest } from '../fake-server/read-fake-request.js';

export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401 invalid_api_key. */
  apiKey?: string;
  /** Delay before answering any request. */
  latencyMs?: number;
  /** Delay before each stream chunk. */
  chunkDelayMs?: number;
}

/** One request as the fake received it, for assertions on what a gateway sent upstream. */
export type RecordedRequest = RecordedFakeRequest;

export interface FakeOpenAI extends ServiceHandle {
  /** Base URL ending in /v1, as the OpenAI SDK's `baseURL` expects. */
  readonly url: string;
  readonly requests: RecordedRequest[];
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'];

/** A local server speaking OpenAI's chat-completions and embeddings wire formats; see the handlers. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    res.setHeader('x-request-id', `req_fake_${n}`);
    const { signal, path, parsed, recorded } = await readFakeRequest(req, res);
    requests.push(recorded);

    if (options.apiKey !== undefined) {
      const provided = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (provided !== options.apiKey) return sendFailure(res, incorrectApiKey(provided));
    }
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal: signal });

    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, modelList());
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (!parsed.ok || !isRecord(parsed.value)) return sendFailure(res, malformedJson());
      const model = typeof parsed.value.model === 'string' ? parsed.value.model : '';
      const meta = { id: `chatcmpl-fake${String(n).padStart(6, '0')}`, created: nowSeconds(), model };
      return handleChatCompletions(parsed.value, {
        res,
        signal: signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        meta,
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (!parsed.ok || !isRecord(parsed.value)) return sendFailure(res, malformedJson());
      return handleEmbeddings(parsed.value, { res, signal: signal });
    }
    return sendFailure(res, invalidUrl(req.method ?? '', path));
  }

  const { url, stop } = await startFakeServer(handle, (res) => sendJson(res, 500, serverError()));
  return { url: `${url}/v1`, requests, stop };
}

function modelList(): object {
  return {
    object: 'list',
    data: MODELS.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })),
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
