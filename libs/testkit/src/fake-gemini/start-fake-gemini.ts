import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceHandle } from '../service-handle.js';
import { readBody, sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import type { RecordedRequest } from '../fake-openai/start-fake-openai.js';
import {
  googleError,
  INTERNAL_MESSAGE,
  invalidApiKey,
  invalidArgument,
  missingApiKey,
} from './gemini-errors.js';
import { handleBatchEmbedContents } from './batch-embed-contents.js';
import { handleGenerateContent, sendGeminiFailure } from './generate-content.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeGeminiOptions {
  /** When set, requests must carry it as `x-goog-api-key` (or `?key=`), else Google's key errors. */
  apiKey?: string;
  /** Delay before each stream event. */
  chunkDelayMs?: number;
}

export interface FakeGemini extends ServiceHandle {
  /** The origin, as `@google/genai`'s `httpOptions.baseUrl` and the gateway's `base_url` expect it. */
  readonly url: string;
  /** Each request; `path` keeps its query (`…:streamGenerateContent?alt=sse`). */
  readonly requests: RecordedRequest[];
}

const ROUTE =
  /^\/(v1|v1beta|v1alpha)\/((?:models|tunedModels)\/[^:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;

/**
 * A local server speaking the Gemini API's generateContent and batchEmbedContents wire formats;
 * see `handleGenerateContent` and `handleBatchEmbedContents`.
 */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body: parsed ?? (raw || undefined),
    });

    const provided = header(req, 'x-goog-api-key') ?? url.searchParams.get('key') ?? undefined;
    if (options.apiKey !== undefined) {
      if (provided === undefined) return sendGeminiFailure(res, missingApiKey());
      if (provided !== options.apiKey) return sendGeminiFailure(res, invalidApiKey());
    }

    const route = ROUTE.exec(url.pathname);
    if (req.method !== 'POST' || !route) {
      return sendGeminiFailure(res, googleError(404, 'NOT_FOUND', `Method not found: ${url.pathname}`));
    }
    if (!isRecord(parsed)) {
      return sendGeminiFailure(res, invalidArgument('Invalid JSON payload received. Expected an object.'));
    }
    const model = decodeURIComponent(route[2]!).replace(/^(models|tunedModels)\//, '');
    if (route[3] === 'batchEmbedContents') {
      const name = decodeURIComponent(route[2]!);
      return handleBatchEmbedContents(parsed, {
        res,
        signal: aborter.signal,
        apiKey: provided ?? '',
        model,
        name,
      });
    }
    const stream = route[3] === 'streamGenerateContent';
    if (stream && url.searchParams.get('alt') !== 'sse') {
      // Without alt=sse Gemini streams one JSON array; no client of this fake reads that.
      return sendJson(res, 400, invalidArgument('This fake streams only with alt=sse.').body);
    }
    return handleGenerateContent(parsed, {
      res,
      signal: aborter.signal,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      apiKey: provided ?? '',
      meta: { model, responseId: `fake-response-${String(n).padStart(4, '0')}` },
      stream,
    });
  }

  const { url, stop } = await startFakeServer(handle, (res) =>
    sendGeminiFailure(res, googleError(500, 'INTERNAL', INTERNAL_MESSAGE)),
  );
  return { url, requests, stop };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
