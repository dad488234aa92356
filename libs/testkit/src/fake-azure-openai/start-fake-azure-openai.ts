import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceHandle } from '../service-handle.js';
import { readBody, sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { serverError } from '../fake-openai/openai-errors.js';
import { accessDenied, malformedBody, resourceNotFound } from './azure-errors.js';
import { handleAzureChat, sendAzureFailure } from './azure-chat.js';
import { handleAzureEmbeddings } from './azure-embeddings.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeAzureOpenAIOptions {
  /** When set, requests must carry `api-key: <apiKey>`, else 401. */
  apiKey?: string;
  /** Delay before each stream chunk. */
  chunkDelayMs?: number;
  /** The model every deployment runs, as Azure names it in answers. */
  model?: string;
  /** The model embeddings deployments run; default `text-embedding-3-small`. */
  embeddingModel?: string;
}

export interface RecordedAzureRequest {
  method: string;
  path: string;
  /** The `api-version` query parameter, or null when absent. */
  apiVersion: string | null;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
}

export interface FakeAzureOpenAI extends ServiceHandle {
  /** The resource endpoint, as `AzureOpenAI({endpoint})` and our `base_url` take it. */
  readonly url: string;
  readonly requests: RecordedAzureRequest[];
}

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/**
 * A local Azure OpenAI resource: OpenAI's chat wire format (the OpenAI fake's answers) at
 * `/openai/deployments/{deployment}/chat/completions?api-version=…` behind an `api-key`, with
 * Azure's content-filter annotations, errors and prompt-filter stream chunk; and OpenAI's
 * embeddings at `/openai/deployments/{deployment}/embeddings`.
 */
export async function startFakeAzureOpenAI(options: FakeAzureOpenAIOptions = {}): Promise<FakeAzureOpenAI> {
  const requests: RecordedAzureRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    res.setHeader('apim-request-id', `fake-apim-${n}`);
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiVersion = url.searchParams.get('api-version');
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    requests.push({ method: req.method ?? '', path: url.pathname, apiVersion, headers: req.headers, body });

    if (options.apiKey !== undefined && req.headers['api-key'] !== options.apiKey) {
      return sendAzureFailure(res, accessDenied());
    }
    const [, deployment, operation] = DEPLOYMENT_PATH.exec(url.pathname) ?? [];
    if (req.method !== 'POST' || deployment === undefined || !apiVersion || !API_VERSION.test(apiVersion)) {
      return sendAzureFailure(res, resourceNotFound());
    }
    if (operation === 'embeddings') {
      if (!isRecord(body)) return sendAzureFailure(res, malformedBody());
      return handleAzureEmbeddings(body, {
        res,
        signal: aborter.signal,
        deployment: decodeURIComponent(deployment),
        model: options.embeddingModel ?? 'text-embedding-3-small',
      });
    }
    if (!isRecord(body) || !Array.isArray(body.messages)) return sendAzureFailure(res, malformedBody());
    const meta = {
      id: `chatcmpl-fakeazure${String(n).padStart(6, '0')}`,
      created: Math.floor(Date.now() / 1000),
      model: options.model ?? 'gpt-4o-2024-08-06',
    };
    return handleAzureChat(body, {
      res,
      signal: aborter.signal,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      deployment: decodeURIComponent(deployment),
      meta,
    });
  }

  const { url, stop } = await startFakeServer(handle, (res) => sendJson(res, 500, serverError()));
  return { url, requests, stop };
}
